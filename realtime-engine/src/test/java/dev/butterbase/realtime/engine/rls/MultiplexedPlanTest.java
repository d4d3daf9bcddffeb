package dev.butterbase.realtime.engine.rls;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The multiplexed query for the spec's chat policy must be one the planner decorrelates: with 200 change
 * images and 10,000 subscriber ids, PostgreSQL 17's plan joins instead of running the membership subquery per
 * (image, user) pair. Asserts the plan's shape, not its speed.
 */
@Timeout(120)
class MultiplexedPlanTest {

    @Test
    void theChatPolicyIsDecorrelatedIntoJoins() throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
                Connection c = pg.getPostgresDatabase().getConnection();
                Statement st = c.createStatement()) {
            st.execute("""
                    CREATE ROLE butterbase_user NOLOGIN; CREATE ROLE butterbase_anon NOLOGIN;
                    GRANT USAGE ON SCHEMA public TO butterbase_user;
                    CREATE FUNCTION public.current_user_id() RETURNS text LANGUAGE sql STABLE
                      AS $$ SELECT nullif(current_setting('request.jwt.claim.sub', true), '') $$;
                    CREATE TABLE members (room_id text, user_id text, PRIMARY KEY (room_id, user_id));
                    CREATE TABLE messages (id bigint PRIMARY KEY, room_id text, user_id text, body text);
                    GRANT SELECT ON members, messages TO butterbase_user;
                    ALTER TABLE messages ENABLE ROW LEVEL SECURITY;
                    CREATE POLICY own ON messages FOR SELECT TO butterbase_user USING (user_id = current_user_id());
                    CREATE POLICY room ON messages FOR SELECT TO butterbase_user
                      USING (room_id IN (SELECT room_id FROM members WHERE user_id = current_user_id()));
                    INSERT INTO members SELECT 'room' || (g / 50), 'user' || g FROM generate_series(1, 10000) g;
                    ANALYZE members;
                    """);
            PolicyCatalog catalog = new PolicyCatalog(Duration.ofMinutes(1));
            Multiplexer.Query query = catalog.multiplexedQuery(c, "messages").orElseThrow();
            assertThat(query.branches()).isEqualTo(2);

            String[] images = new String[200];
            for (int i = 0; i < images.length; i++) {
                images[i] = "{\"id\":" + i + ",\"room_id\":\"room" + (i % 200) + "\",\"user_id\":\"user" + (i * 37 % 10000) + "\",\"body\":\"hi\"}";
            }
            String[] users = new String[10_000];
            for (int i = 0; i < users.length; i++) {
                users[i] = "user" + (i + 1);
            }
            StringBuilder plan = new StringBuilder();
            int pairs = 0;
            c.setAutoCommit(false);
            st.execute("SET LOCAL ROLE butterbase_user");
            try (PreparedStatement ps = c.prepareStatement("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) " + query.sql())) {
                Array imageArray = c.createArrayOf("text", images);
                Array userArray = c.createArrayOf("text", users);
                for (int p = 1; p <= query.branches() * 2; p += 2) {
                    ps.setArray(p, imageArray);
                    ps.setArray(p + 1, userArray);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        plan.append(rs.getString(1)).append('\n');
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM (" + query.sql() + ") q")) {
                Array imageArray = c.createArrayOf("text", images);
                Array userArray = c.createArrayOf("text", users);
                for (int p = 1; p <= query.branches() * 2; p += 2) {
                    ps.setArray(p, imageArray);
                    ps.setArray(p + 1, userArray);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    pairs = rs.getInt(1);
                }
            }
            c.rollback();
            assertThat(plan.toString()).as(plan.toString()).doesNotContain("SubPlan").contains("Join");
            // every message reaches its room's 50 members (plus its author, who is one of them or not)
            assertThat(pairs).isBetween(200 * 50, 200 * 51);
            System.out.println("multiplexed plan for 200 images x 10,000 users:\n" + plan);
        }
    }
}
