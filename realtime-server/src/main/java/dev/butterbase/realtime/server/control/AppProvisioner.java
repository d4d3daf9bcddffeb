package dev.butterbase.realtime.server.control;

import dev.butterbase.realtime.engine.schema.SqlIdentifier;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * Creates and drops app databases and installs, inside each, what the spec relies on: the roles
 * {@code butterbase_anon} and {@code butterbase_user} and the function {@code current_user_id()}.
 */
public final class AppProvisioner {

    /**
     * Runs in the app database as its owner. Roles are cluster-wide: they are created once and reused,
     * tolerating another server creating them at the same moment.
     */
    static final String BOOTSTRAP_SQL = """
            DO $bootstrap$
            DECLARE r text;
            BEGIN
              FOREACH r IN ARRAY ARRAY['butterbase_anon', 'butterbase_user'] LOOP
                IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
                  BEGIN
                    EXECUTE format('CREATE ROLE %I NOLOGIN NOBYPASSRLS', r);
                  EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
                  END;
                END IF;
                IF NOT pg_has_role(current_user, r, 'MEMBER') THEN
                  EXECUTE format('GRANT %I TO %I', r, current_user);
                END IF;
              END LOOP;
            END
            $bootstrap$;
            GRANT USAGE ON SCHEMA public TO butterbase_anon, butterbase_user;
            GRANT SELECT ON ALL TABLES IN SCHEMA public TO butterbase_anon, butterbase_user;
            ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO butterbase_anon, butterbase_user;
            CREATE OR REPLACE FUNCTION public.current_user_id() RETURNS text
              LANGUAGE sql STABLE PARALLEL SAFE
              AS $fn$ SELECT nullif(current_setting('request.jwt.claim.sub', true), '') $fn$;
            GRANT EXECUTE ON FUNCTION public.current_user_id() TO PUBLIC;
            """;

    private final DataSource clusterAdmin;

    /** @param clusterAdmin connections to the server's cluster with the right to create databases */
    public AppProvisioner(DataSource clusterAdmin) {
        this.clusterAdmin = clusterAdmin;
    }

    public void createDatabase(String databaseName) throws SQLException {
        try (Connection c = clusterAdmin.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + SqlIdentifier.quote(databaseName));
        }
    }

    /** Drops the database, disconnecting whoever is still in it. */
    public void dropDatabase(String databaseName) throws SQLException {
        try (Connection c = clusterAdmin.getConnection(); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + SqlIdentifier.quote(databaseName) + " WITH (FORCE)");
        }
    }

    /** Installs roles, grants and {@code current_user_id()} in one transaction. Idempotent. */
    public static void bootstrap(Connection c) throws SQLException {
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute(BOOTSTRAP_SQL);
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }
}
