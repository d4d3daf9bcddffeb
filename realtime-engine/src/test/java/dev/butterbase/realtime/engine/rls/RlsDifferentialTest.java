package dev.butterbase.realtime.engine.rls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.butterbase.realtime.engine.capture.Change;
import dev.butterbase.realtime.engine.fanout.ChangeHub;
import dev.butterbase.realtime.engine.fanout.RowFilter;
import dev.butterbase.realtime.engine.fanout.Subscriber;
import dev.butterbase.realtime.engine.identity.Identity;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Speed never buys a leak: randomized rows, users and policy sets (isolation on text, uuid and integer columns,
 * a membership subquery, OR-ed permissive and AND-ed restrictive policies, casts, NULLs, DELETE images) go through
 * every evaluation path — in Postgres per identity, in memory, multiplexed for all users in one query, and the
 * fan-out with its user index — and each
 * must give exactly the answer of plain Postgres RLS: {@code SELECT} from the table as that role and user.
 */
@Timeout(300)
class RlsDifferentialTest {

    private static final String[] POLICY_POOL = {
        "owner = current_user_id()",
        "(owner_uuid)::text = current_user_id()",
        "(owner_int)::text = current_user_id()",
        "room IN (SELECT m.room FROM members m WHERE m.user_id = current_user_id())",
        "visibility = 'public'",
        "true",
        "score > 10",
        "(score)::text = current_user_id()",
        "owner IS NULL",
        "is_owner(owner)",
        "room IN (SELECT sm.room FROM secret_members sm WHERE sm.user_id = current_user_id())",
        "room IN (SELECT members.room FROM members WHERE members.user_id = current_user_id())",
    };

    private static EmbeddedPostgres pg;
    private static final List<String> USERS = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        pg = EmbeddedPostgres.builder().start();
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute("""
                    CREATE ROLE butterbase_user NOLOGIN; CREATE ROLE butterbase_anon NOLOGIN;
                    GRANT USAGE ON SCHEMA public TO butterbase_user, butterbase_anon;
                    CREATE FUNCTION public.current_user_id() RETURNS text LANGUAGE sql STABLE
                      AS $$ SELECT nullif(current_setting('request.jwt.claim.sub', true), '') $$;
                    CREATE TABLE members (room text, user_id text);
                    CREATE FUNCTION public.is_owner(text) RETURNS boolean LANGUAGE sql STABLE
                      AS $$ SELECT $1 = current_user_id() $$;
                    CREATE TABLE secret_members (room text, user_id text);
                    ALTER TABLE secret_members ENABLE ROW LEVEL SECURITY;
                    CREATE POLICY own_membership ON secret_members FOR SELECT USING (user_id = current_user_id());
                    GRANT SELECT ON secret_members TO butterbase_user, butterbase_anon;
                    CREATE TABLE items (id int PRIMARY KEY, owner text, owner_uuid uuid, owner_int int, room text,
                                        visibility text, score int);
                    GRANT SELECT ON items, members TO butterbase_user, butterbase_anon;
                    """);
        }
        Random random = new Random(20261127);
        for (int i = 0; i < 12; i++) {
            USERS.add("user" + i);
        }
        for (int i = 0; i < 4; i++) {
            USERS.add(new UUID(random.nextLong(), random.nextLong()).toString());
        }
        USERS.add("7");
        USERS.add("15");
        USERS.add("42");
    }

    @AfterAll
    static void stop() throws Exception {
        if (pg != null) {
            pg.close();
        }
    }

    private static Connection connect() throws SQLException {
        return pg.getPostgresDatabase().getConnection();
    }

    @Test
    void everyPathAgreesWithPostgresRls() throws Exception {
        Random random = new Random(42);
        int decisions = 0;
        Map<String, Integer> plansSeen = new HashMap<>();
        for (int scenario = 0; scenario < 60; scenario++) {
            List<Change> changes = populate(random);
            String policySet = applyRandomPolicies(random);
            List<Identity> identities = new ArrayList<>();
            USERS.forEach(u -> identities.add(Identity.user(u)));
            identities.add(Identity.ANON);
            try (Connection c = connect()) {
                RlsEvaluator reference = new RlsEvaluator(new PolicyCatalog(Duration.ofMinutes(1)), false, false);
                RlsEvaluator fast = new RlsEvaluator(new PolicyCatalog(Duration.ofMinutes(1)));
                Map<Identity, Set<Integer>> viaHub = throughHub(c, changes, identities, fast);
                VisibilityPlan userPlan = fast.plan(c, "items", dev.butterbase.realtime.engine.identity.Role.USER);
                String kind = userPlan.getClass().getSimpleName()
                        + (userPlan instanceof VisibilityPlan.InMemory m && m.indexColumn() != null ? "+index" : "");
                plansSeen.merge(kind, 1, Integer::sum);
                if (userPlan instanceof VisibilityPlan.Sql) {
                    boolean multiplexed = fast.catalog().multiplexedQuery(c, "items").isPresent();
                    plansSeen.merge(multiplexed ? "Multiplexed" : "PerUser", 1, Integer::sum);
                }
                for (Identity identity : identities) {
                    Set<Integer> truth = postgresTruth(c, identity);
                    String where = "scenario " + scenario + " " + identity + " with " + policySet;
                    assertThat(ids(changes, reference.visible(c, "items", changes, identity))).as("SQL path, " + where).isEqualTo(truth);
                    assertThat(ids(changes, fast.visible(c, "items", changes, identity))).as("in-memory path, " + where).isEqualTo(truth);
                    assertThat(viaHub.getOrDefault(identity, Set.of())).as("fan-out, " + where).isEqualTo(truth);
                    decisions += changes.size() * 3;
                }
            }
        }
        assertThat(decisions).isGreaterThan(100_000);
        // every path was really exercised
        assertThat(plansSeen).containsKeys("Sql", "InMemory", "InMemory+index", "Nothing", "Everything", "Multiplexed", "PerUser");
    }

    /** Fresh random rows and members; returns one change per row, half INSERT images, half DELETE images. */
    private static List<Change> populate(Random random) throws SQLException {
        List<Change> changes = new ArrayList<>();
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute("TRUNCATE items, members, secret_members");
            for (String membersTable : List.of("members", "secret_members")) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + membersTable + " VALUES (?, ?)")) {
                    for (String u : USERS) {
                        if (random.nextInt(3) > 0) {
                            ps.setString(1, "room" + random.nextInt(5));
                            ps.setString(2, u);
                            ps.addBatch();
                        }
                    }
                    ps.executeBatch();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO items VALUES (?, ?, ?::uuid, ?, ?, ?, ?)")) {
                for (int id = 1; id <= 150; id++) {
                    ps.setInt(1, id);
                    ps.setString(2, random.nextInt(8) == 0 ? null : USERS.get(random.nextInt(USERS.size())));
                    ps.setString(3, random.nextInt(3) == 0 ? null : USERS.get(12 + random.nextInt(4)));
                    ps.setObject(4, random.nextInt(3) == 0 ? null : new int[] {7, 15, 42, 3}[random.nextInt(4)]);
                    ps.setString(5, random.nextInt(6) == 0 ? null : "room" + random.nextInt(5));
                    ps.setString(6, random.nextBoolean() ? "public" : "private");
                    ps.setObject(7, random.nextInt(5) == 0 ? null : random.nextInt(30));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (ResultSet rs = st.executeQuery("SELECT id, to_jsonb(t)::text FROM items t ORDER BY id")) {
                while (rs.next()) {
                    boolean delete = rs.getInt(1) % 2 == 0;
                    changes.add(new Change(rs.getInt(1), "items", delete ? "DELETE" : "INSERT",
                            delete ? null : rs.getString(2), delete ? rs.getString(2) : null, Instant.now()));
                }
            }
        }
        return changes;
    }

    private static String applyRandomPolicies(Random random) throws SQLException {
        StringBuilder description = new StringBuilder();
        try (Connection c = connect(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT policyname FROM pg_policies WHERE tablename = 'items'")) {
                List<String> names = new ArrayList<>();
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
                for (String n : names) {
                    st.execute("DROP POLICY \"" + n + "\" ON items");
                }
            }
            boolean rls = random.nextInt(8) > 0;
            st.execute("ALTER TABLE items " + (rls ? "ENABLE" : "DISABLE") + " ROW LEVEL SECURITY");
            description.append(rls ? "RLS on: " : "RLS off: ");
            int count = random.nextInt(4);
            for (int i = 0; i < count; i++) {
                String expr = POLICY_POOL[random.nextInt(POLICY_POOL.length)];
                boolean permissive = random.nextInt(4) > 0;
                String roles = new String[] {"butterbase_user", "butterbase_anon", "PUBLIC", "butterbase_user, butterbase_anon"}[random.nextInt(4)];
                String command = random.nextInt(5) == 0 ? "ALL" : (random.nextInt(6) == 0 ? "UPDATE" : "SELECT");
                st.execute("CREATE POLICY p" + i + " ON items AS " + (permissive ? "PERMISSIVE" : "RESTRICTIVE") + " FOR "
                        + command + " TO " + roles + " USING (" + expr + ")");
                description.append(permissive ? "+" : "&").append(command).append('[').append(roles).append("](").append(expr).append(") ");
            }
        }
        return description.toString();
    }

    private static Set<Integer> postgresTruth(Connection c, Identity identity) throws SQLException {
        Set<Integer> ids = new TreeSet<>();
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute("SET LOCAL ROLE " + identity.role().databaseRole());
            try (PreparedStatement ps = c.prepareStatement("SELECT set_config('request.jwt.claim.sub', ?, true)")) {
                ps.setString(1, identity.userId() == null ? "" : identity.userId());
                ps.execute();
            }
            try (ResultSet rs = st.executeQuery("SELECT id FROM items")) {
                while (rs.next()) {
                    ids.add(rs.getInt(1));
                }
            }
        } finally {
            c.rollback();
            c.setAutoCommit(true);
        }
        return ids;
    }

    private static Set<Integer> ids(List<Change> changes, BitSet bits) {
        Set<Integer> ids = new TreeSet<>();
        for (int i = bits.nextSetBit(0); i >= 0; i = bits.nextSetBit(i + 1)) {
            ids.add((int) changes.get(i).seq());
        }
        return ids;
    }

    /** Runs the burst through the hub with one real subscriber per identity, collecting what each receives. */
    private static Map<Identity, Set<Integer>> throughHub(Connection c, List<Change> changes, List<Identity> identities,
            RlsEvaluator rls) {
        ChangeHub hub = new ChangeHub();
        Map<Identity, Set<Integer>> received = new HashMap<>();
        for (Identity identity : identities) {
            Set<Integer> got = new TreeSet<>();
            received.put(identity, got);
            hub.subscribe(new Subscriber() {
                @Override
                public String clientId() {
                    return identity.toString();
                }

                @Override
                public Identity identity() {
                    return identity;
                }

                @Override
                public void deliver(byte[] message) {
                    String json = new String(message, StandardCharsets.UTF_8);
                    int at = json.indexOf("\"id\":") + 5;
                    got.add(Integer.parseInt(json.substring(at, json.indexOf(',', at))));
                }
            }, "items", RowFilter.NONE);
        }
        hub.dispatch(c, changes, rls);
        return received;
    }
}
