package dev.butterbase.realtime.engine.rls;

import dev.butterbase.realtime.engine.capture.Change;
import dev.butterbase.realtime.engine.identity.Identity;
import dev.butterbase.realtime.engine.identity.Role;
import dev.butterbase.realtime.engine.schema.SqlIdentifier;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.BitSet;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which captured changes an identity may see, by evaluating the table's SELECT policies over the
 * captured row images, inside Postgres, as that identity.
 *
 * <p>The check runs as the client's role with its {@code request.jwt.claim.sub}, so everything a policy calls
 * (subqueries on other tables and their own RLS, {@code current_user_id()}, security-definer functions)
 * behaves exactly as for the client's own SELECT. It reads the images, not the live table: a deleted row is
 * judged as it was just before deletion, an updated row on its new image, never on whatever the row holds
 * when the check runs. One query covers every change of a burst for one identity.
 */
public final class RlsEvaluator {

    private static final Logger log = LoggerFactory.getLogger(RlsEvaluator.class);

    private final PolicyCatalog catalog;
    private final boolean inMemory;
    private final boolean multiplex;
    private final java.util.concurrent.atomic.AtomicLong queries = new java.util.concurrent.atomic.AtomicLong();

    public RlsEvaluator(PolicyCatalog catalog) {
        this(catalog, true);
    }

    /** @param inMemory false runs every check in Postgres (the reference path the in-memory one is tested against) */
    public RlsEvaluator(PolicyCatalog catalog, boolean inMemory) {
        this(catalog, inMemory, inMemory);
    }

    /**
     * @param inMemory  evaluate simple policies on the row image without the database
     * @param multiplex answer for all users of a burst with one query where provably equivalent
     */
    public RlsEvaluator(PolicyCatalog catalog, boolean inMemory, boolean multiplex) {
        this.catalog = catalog;
        this.inMemory = inMemory;
        this.multiplex = multiplex;
    }

    public PolicyCatalog catalog() {
        return catalog;
    }

    /**
     * Visibility of a burst for many users at once, with ONE query (see {@link Multiplexer}). Returns null when
     * the table's policies cannot be multiplexed exactly, or the query failed: the caller then checks per user.
     */
    public java.util.Map<String, BitSet> visibleToUsers(Connection c, String table, List<Change> changes, List<String> userIds) {
        if (!multiplex || userIds.size() < 2) {
            return null;
        }
        Multiplexer.Query query;
        try {
            java.util.Optional<Multiplexer.Query> q = catalog.multiplexedQuery(c, table);
            if (q.isEmpty()) {
                return null;
            }
            query = q.get();
        } catch (SQLException e) {
            return null;
        }
        String[] images = new String[changes.size()];
        for (int i = 0; i < images.length; i++) {
            images[i] = changes.get(i).visibilityImage();
        }
        java.util.Map<String, BitSet> result = new java.util.HashMap<>();
        for (String u : userIds) {
            result.put(u, new BitSet(changes.size()));
        }
        try {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                TransactionIdentity.actAs(c, "butterbase_user", null);
                int params = query.branches() * 2;
                try (PreparedStatement ps = c.prepareStatement(query.sql())) {
                    Array imageArray = c.createArrayOf("text", images);
                    Array userArray = c.createArrayOf("text", userIds.toArray(new String[0]));
                    for (int p = 1; p <= params; p += 2) {
                        ps.setArray(p, imageArray);
                        ps.setArray(p + 1, userArray);
                    }
                    queries.incrementAndGet();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            result.get(userIds.get(rs.getInt(2) - 1)).set(rs.getInt(1) - 1);
                        }
                    }
                }
            } finally {
                c.rollback();
                c.setAutoCommit(autoCommit);
            }
            return result;
        } catch (SQLException e) {
            log.warn("multiplexed RLS check on table {} failed, checking per user instead: {} (SQLSTATE {})", table,
                    e.getMessage(), e.getSQLState());
            return null;
        }
    }

    /** The compiled plan of {@code role} for {@code table} (cached with the policies). */
    public VisibilityPlan plan(Connection c, String table, Role role) throws SQLException {
        if (role == Role.SERVICE) {
            return new VisibilityPlan.Everything();
        }
        VisibilityPlan plan = catalog.plan(c, table, role);
        if (!inMemory && plan instanceof VisibilityPlan.InMemory) {
            return new VisibilityPlan.Sql(catalog.get(c, table).predicate(role));
        }
        return plan;
    }

    /** For an indexable in-memory plan: the one user id that may see this image, or null for nobody. */
    public static String indexKey(VisibilityPlan.InMemory plan, com.fasterxml.jackson.databind.JsonNode image) {
        return VisibilityPlan.indexKey(plan, image);
    }

    /** Visibility queries run so far (one per identity per table per burst on this path). */
    public long queries() {
        return queries.get();
    }

    /**
     * Which of {@code changes} (all of {@code table}) {@code identity} may see, as a bit per index. A failing
     * check is logged and yields nothing visible for this identity only.
     */
    public BitSet visible(Connection c, String table, List<Change> changes, Identity identity) {
        return visible(c, table, changes, new RowImages(changes), identity);
    }

    /** As {@link #visible(Connection, String, List, Identity)}, sharing parsed images across identities. */
    public BitSet visible(Connection c, String table, List<Change> changes, RowImages images, Identity identity) {
        BitSet visible = new BitSet(changes.size());
        if (identity.role() == Role.SERVICE) {
            visible.set(0, changes.size());
            return visible;
        }
        try {
            VisibilityPlan plan = plan(c, table, identity.role());
            if (plan instanceof VisibilityPlan.Everything) {
                visible.set(0, changes.size());
            } else if (plan instanceof VisibilityPlan.InMemory memory) {
                for (int i = 0; i < changes.size(); i++) {
                    if (memory.visible(images.get(i), identity.userId())) {
                        visible.set(i);
                    }
                }
            } else if (plan instanceof VisibilityPlan.Sql sql) {
                queries.incrementAndGet();
                check(c, table, changes, identity, sql.predicate(), visible);
            }
        } catch (SQLException e) {
            log.warn("RLS check on table {} for {} failed; {} change(s) withheld from that identity: {} (SQLSTATE {})",
                    table, identity.role().wireName(), changes.size(), e.getMessage(), e.getSQLState());
            visible.clear();
        }
        return visible;
    }

    private static void check(Connection c, String table, List<Change> changes, Identity identity, String predicate,
            BitSet visible) throws SQLException {
        String tableAlias = SqlIdentifier.quote(table);
        String sql = "SELECT \"__bb_x\".\"__bb_ord\" FROM unnest(?::text[]) WITH ORDINALITY AS \"__bb_x\"(\"__bb_img\", \"__bb_ord\") "
                + "CROSS JOIN LATERAL jsonb_populate_record(NULL::\"public\"." + tableAlias + ", \"__bb_x\".\"__bb_img\"::jsonb) AS "
                + tableAlias + " WHERE " + predicate;
        String[] images = new String[changes.size()];
        for (int i = 0; i < images.length; i++) {
            images[i] = changes.get(i).visibilityImage();
        }
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            TransactionIdentity.actAs(c, identity.role().databaseRole(), identity.userId());
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                Array array = c.createArrayOf("text", images);
                ps.setArray(1, array);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        visible.set(rs.getInt(1) - 1);
                    }
                }
            }
        } finally {
            c.rollback();
            c.setAutoCommit(autoCommit);
        }
    }
}
