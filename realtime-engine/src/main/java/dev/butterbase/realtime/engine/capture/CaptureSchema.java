package dev.butterbase.realtime.engine.capture;

import dev.butterbase.realtime.engine.schema.SqlIdentifier;
import dev.butterbase.realtime.engine.schema.TableCatalog;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The data-plane objects in an app database: schema {@code realtime}, the change log {@code realtime.changes},
 * the sequencer row, the capture trigger function, and one AFTER row trigger per enabled table.
 *
 * <p>The trigger only appends the row images; it never NOTIFYs when the WAL reader is in use (that would take
 * a cluster-wide lock at every commit). Ordering ids ({@code seq}) are assigned later, in commit order, by
 * {@link ChangeSequencer}.
 */
public final class CaptureSchema {

    /** Name of the trigger on every enabled table. */
    public static final String TRIGGER_NAME = "butterbase_realtime_capture";
    /** The LISTEN channel of the fallback reader. */
    public static final String NOTIFY_CHANNEL = "butterbase_realtime";
    /** The publication the WAL reader subscribes to. */
    public static final String PUBLICATION = "butterbase_realtime";

    private static final String SCHEMA_SQL = """
            CREATE SCHEMA IF NOT EXISTS realtime;
            REVOKE ALL ON SCHEMA realtime FROM PUBLIC;
            CREATE TABLE IF NOT EXISTS realtime.changes (
                id          bigserial PRIMARY KEY,
                seq         bigint,
                table_name  text NOT NULL,
                op          text NOT NULL,
                record      jsonb,
                old_record  jsonb,
                created_at  timestamptz NOT NULL DEFAULT clock_timestamp()
            );
            CREATE INDEX IF NOT EXISTS changes_pending ON realtime.changes (id) WHERE seq IS NULL;
            CREATE UNIQUE INDEX IF NOT EXISTS changes_seq ON realtime.changes (seq);
            CREATE TABLE IF NOT EXISTS realtime.sequencer (
                singleton      boolean PRIMARY KEY DEFAULT true CHECK (singleton),
                last_seq       bigint NOT NULL DEFAULT 0,
                pruned_through bigint NOT NULL DEFAULT 0
            );
            INSERT INTO realtime.sequencer (singleton) VALUES (true) ON CONFLICT DO NOTHING;
            """;

    private CaptureSchema() {}

    /** Creates schema, tables and the capture function (in the variant the reader needs). Idempotent. */
    public static void install(Connection c, boolean notifyOnCommit) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SELECT pg_advisory_xact_lock(7406232)");
            st.execute(SCHEMA_SQL);
            st.execute(captureFunction(notifyOnCommit));
        }
    }

    private static String captureFunction(boolean notifyOnCommit) {
        // A NOTIFY with the same channel and payload is sent once per transaction, however many rows changed.
        String notify = notifyOnCommit ? "  PERFORM pg_notify('" + NOTIFY_CHANNEL + "', '');\n" : "";
        return "CREATE OR REPLACE FUNCTION realtime.capture() RETURNS trigger\n"
                + "LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $capture$\n"
                + "BEGIN\n"
                + "  INSERT INTO realtime.changes (table_name, op, record, old_record) VALUES (\n"
                + "    TG_TABLE_NAME, TG_OP,\n"
                + "    CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE to_jsonb(NEW) END,\n"
                + "    CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE to_jsonb(OLD) END);\n"
                + notify
                + "  RETURN NULL;\n"
                + "END\n"
                + "$capture$";
    }

    /** Creates the publication the WAL reader reads (only the ids of new change rows). Idempotent. */
    public static void installPublication(Connection c) throws SQLException {
        boolean columnLists = serverVersion(c) >= 150000;
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT 1 FROM pg_publication WHERE pubname = '" + PUBLICATION + "'")) {
            if (rs.next()) {
                return;
            }
        }
        try (Statement st = c.createStatement()) {
            st.execute("CREATE PUBLICATION " + PUBLICATION + " FOR TABLE realtime.changes"
                    + (columnLists ? " (id)" : "") + " WITH (publish = 'insert')");
        }
    }

    public static int serverVersion(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW server_version_num")) {
            rs.next();
            return Integer.parseInt(rs.getString(1));
        }
    }

    /** Installs (or re-installs, after a drop and recreate) the capture trigger on a table. */
    public static void enable(Connection c, SqlIdentifier table) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("DROP TRIGGER IF EXISTS " + TRIGGER_NAME + " ON " + table.qualifiedInPublic());
            st.execute("CREATE TRIGGER " + TRIGGER_NAME + " AFTER INSERT OR UPDATE OR DELETE ON "
                    + table.qualifiedInPublic() + " FOR EACH ROW EXECUTE FUNCTION realtime.capture()");
        }
    }

    /** Removes the capture trigger from a table, if the table exists. */
    public static void disable(Connection c, SqlIdentifier table) throws SQLException {
        if (TableCatalog.exists(c, table.name())) {
            try (Statement st = c.createStatement()) {
                st.execute("DROP TRIGGER IF EXISTS " + TRIGGER_NAME + " ON " + table.qualifiedInPublic());
            }
        }
    }

    /** Read live from the catalog: is the capture trigger on this table, and enabled? */
    public static boolean triggerInstalled(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_trigger t JOIN pg_class k ON k.oid = t.tgrelid "
                + "JOIN pg_namespace n ON n.oid = k.relnamespace WHERE n.nspname = 'public' AND k.relname = ? "
                + "AND t.tgname = ? AND t.tgenabled <> 'D'")) {
            ps.setString(1, table);
            ps.setString(2, TRIGGER_NAME);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** {@code wal_level = logical} and the connected role may replicate: the WAL reader can be used. */
    public static boolean walAvailable(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT current_setting('wal_level') = 'logical' AND "
                        + "(SELECT rolreplication OR rolsuper FROM pg_roles WHERE rolname = current_user)")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }
}
