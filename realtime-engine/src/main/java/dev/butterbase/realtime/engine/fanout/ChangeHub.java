package dev.butterbase.realtime.engine.fanout;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.butterbase.realtime.engine.capture.Change;
import dev.butterbase.realtime.engine.identity.Identity;
import dev.butterbase.realtime.engine.identity.Role;
import dev.butterbase.realtime.engine.rls.RowImages;
import dev.butterbase.realtime.engine.rls.VisibilityPlan;
import dev.butterbase.realtime.engine.rls.NaiveRlsChecker;
import dev.butterbase.realtime.engine.rls.RlsEvaluator;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One app's subscriptions, and the fan-out of its changes to them. Subscriptions may be added and removed
 * from any thread; {@link #dispatch} runs on the app's single dispatch thread, so every subscriber receives
 * changes in id order.
 *
 * <p>Per burst, RLS is evaluated once per (table, identity), not per subscriber or per change, and each change
 * is encoded once and the same bytes handed to every recipient.
 */
public final class ChangeHub {

    private static final Logger log = LoggerFactory.getLogger(ChangeHub.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Map<Subscriber, RowFilter>> byTable = new ConcurrentHashMap<>();
    private final NaiveRlsChecker naive;

    public ChangeHub() {
        this(null);
    }

    /** @param naive when not null, changes are checked with the spec's literal per-subscriber query instead (benchmarks) */
    public ChangeHub(NaiveRlsChecker naive) {
        this.naive = naive;
    }

    public void subscribe(Subscriber subscriber, String table, RowFilter filter) {
        byTable.computeIfAbsent(table, t -> new ConcurrentHashMap<>()).put(subscriber, filter);
    }

    /** @return whether the subscriber was subscribed to the table */
    public boolean unsubscribe(Subscriber subscriber, String table) {
        Map<Subscriber, RowFilter> subs = byTable.get(table);
        return subs != null && subs.remove(subscriber) != null;
    }

    /** Drops every subscription of a client (it disconnected). */
    public void removeAll(Subscriber subscriber) {
        byTable.values().forEach(subs -> subs.remove(subscriber));
    }

    public int subscriptionCount() {
        return byTable.values().stream().mapToInt(Map::size).sum();
    }

    /** Delivers a batch of changes (in id order) to every subscriber allowed to see them. */
    public void dispatch(Connection c, List<Change> changes, RlsEvaluator rls) {
        if (naive != null) {
            dispatchNaive(c, changes);
            return;
        }
        int[] localIndex = new int[changes.size()];
        Map<String, List<Change>> changesByTable = new LinkedHashMap<>();
        for (int i = 0; i < changes.size(); i++) {
            Change ch = changes.get(i);
            Map<Subscriber, RowFilter> subs = byTable.get(ch.table());
            if (subs != null && !subs.isEmpty()) {
                List<Change> list = changesByTable.computeIfAbsent(ch.table(), t -> new ArrayList<>());
                localIndex[i] = list.size();
                list.add(ch);
            }
        }
        if (changesByTable.isEmpty()) {
            return;
        }
        Map<String, TableBurst> bursts = new HashMap<>();
        changesByTable.forEach((table, tableChanges) -> bursts.put(table, prepare(c, table, tableChanges, rls)));
        java.util.Set<Subscriber> written = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (int i = 0; i < changes.size(); i++) {
            TableBurst burst = bursts.get(changes.get(i).table());
            if (burst != null) {
                burst.deliver(changes.get(i), localIndex[i], written);
            }
        }
        written.forEach(Subscriber::flush);
    }

    /**
     * One table's share of a burst: who may see which change. Users of a table whose policy is exactly
     * "column = current_user_id()" are indexed by user id, so each change is handed to its owner's connections
     * without checking anyone else; every other identity gets a visibility bit per change, computed once.
     */
    private final class TableBurst {
        private final String table;
        private final RowImages images;
        private final VisibilityPlan.InMemory userIndex;
        private final Map<String, List<Subscriber>> usersById = new HashMap<>();
        private final Map<Subscriber, Identity> others = new HashMap<>();
        private final Map<Identity, BitSet> visible = new HashMap<>();

        TableBurst(String table, RowImages images, VisibilityPlan.InMemory userIndex) {
            this.table = table;
            this.images = images;
            this.userIndex = userIndex;
        }

        void deliver(Change ch, int k, java.util.Set<Subscriber> written) {
            Map<Subscriber, RowFilter> filters = byTable.get(table);
            if (filters == null) {
                return;
            }
            byte[][] encoded = new byte[1][];
            if (userIndex != null) {
                String owner = RlsEvaluator.indexKey(userIndex, images.get(k));
                List<Subscriber> owners = owner == null ? null : usersById.get(owner);
                if (owners != null) {
                    for (Subscriber s : owners) {
                        send(s, ch, k, filters, encoded, written);
                    }
                }
            }
            for (Map.Entry<Subscriber, Identity> r : others.entrySet()) {
                BitSet bits = visible.get(r.getValue());
                if (bits != null && bits.get(k)) {
                    send(r.getKey(), ch, k, filters, encoded, written);
                }
            }
        }

        private void send(Subscriber s, Change ch, int k, Map<Subscriber, RowFilter> filters, byte[][] encoded,
                java.util.Set<Subscriber> written) {
            RowFilter filter = filters.get(s);
            if (filter == null) {
                return; // unsubscribed while this burst was being checked
            }
            if (!filter.isEmpty() && !filter.matches(images.get(k))) {
                return;
            }
            if (encoded[0] == null) {
                encoded[0] = ChangeEncoder.encode(ch);
            }
            s.write(encoded[0]);
            written.add(s);
        }
    }

    private static boolean anyMatch(RowFilter filter, RowImages images) {
        for (int i = 0; i < images.size(); i++) {
            if (filter.matches(images.get(i))) {
                return true;
            }
        }
        return false;
    }

    /** True when the user plan needs no query (nothing, everything, or in memory). */
    private static boolean userPlanIsLocal(Connection c, String table, RlsEvaluator rls) {
        try {
            return !(rls.plan(c, table, Role.USER) instanceof VisibilityPlan.Sql);
        } catch (java.sql.SQLException e) {
            return false;
        }
    }

    private TableBurst prepare(Connection c, String table, List<Change> tableChanges, RlsEvaluator rls) {
        RowImages images = new RowImages(tableChanges);
        VisibilityPlan.InMemory userIndex = null;
        try {
            if (rls.plan(c, table, Role.USER) instanceof VisibilityPlan.InMemory m && m.indexColumn() != null) {
                userIndex = m;
            }
        } catch (java.sql.SQLException e) {
            log.debug("no user plan for {}: {}", table, e.getMessage()); // the per-identity path reports it
        }
        TableBurst burst = new TableBurst(table, images, userIndex);
        java.util.Set<String> users = new java.util.LinkedHashSet<>();
        // the filter narrows before RLS is asked: a subscriber none of whose filter matches this burst costs nothing
        Map<RowFilter, Boolean> filterMatches = new HashMap<>();
        for (Map.Entry<Subscriber, RowFilter> sub : byTable.get(table).entrySet()) {
            Subscriber s = sub.getKey();
            RowFilter filter = sub.getValue();
            if (!filter.isEmpty() && !filterMatches.computeIfAbsent(filter, f -> anyMatch(f, images))) {
                continue;
            }
            Identity identity = s.identity();
            if (identity == null) {
                continue; // the client's identity lapsed (token expired): it receives nothing
            }
            if (userIndex != null && identity.role() == Role.USER) {
                burst.usersById.computeIfAbsent(identity.userId(), id -> new ArrayList<>()).add(s);
            } else {
                burst.others.put(s, identity);
                if (identity.role() == Role.USER) {
                    users.add(identity.userId());
                }
            }
        }
        // all users of the burst in one query where the policies allow it; per identity otherwise
        Map<String, BitSet> byUser = users.size() > 1 && !(userPlanIsLocal(c, table, rls))
                ? rls.visibleToUsers(c, table, tableChanges, new ArrayList<>(users)) : null;
        if (byUser != null) {
            byUser.forEach((user, bits) -> burst.visible.put(Identity.user(user), bits));
        }
        for (Identity identity : burst.others.values()) {
            burst.visible.computeIfAbsent(identity, id -> rls.visible(c, table, tableChanges, images, id));
        }
        return burst;
    }

    /**
     * The spec's algorithm, for comparison: every subscriber of the table whose filter matches is checked for
     * every change with its own primary-key query. (The filter is applied first, so the baseline is not
     * penalised for checks whose result would be filtered away.)
     */
    private void dispatchNaive(Connection c, List<Change> changes) {
        for (Change ch : changes) {
            Map<Subscriber, RowFilter> subs = byTable.getOrDefault(ch.table(), Map.of());
            byte[] encoded = null;
            JsonNode image = null;
            for (Map.Entry<Subscriber, RowFilter> s : subs.entrySet()) {
                if (!s.getValue().isEmpty()) {
                    image = image == null ? parse(ch.visibilityImage()) : image;
                    if (!s.getValue().matches(image)) {
                        continue;
                    }
                }
                Identity identity = s.getKey().identity();
                if (identity == null || !naive.visible(c, ch, identity)) {
                    continue;
                }
                encoded = encoded == null ? ChangeEncoder.encode(ch) : encoded;
                s.getKey().deliver(encoded);
            }
        }
    }

    /** Delivers past changes of one table to one subscriber, RLS-checked as it is now. Used for resume. */
    public static void replay(Connection c, Subscriber subscriber, String table, RowFilter filter, List<Change> history,
            RlsEvaluator rls) {
        Identity identity = subscriber.identity();
        if (identity == null || history.isEmpty()) {
            return;
        }
        BitSet visible = rls.visible(c, table, history, identity);
        for (int i = 0; i < history.size(); i++) {
            Change ch = history.get(i);
            if (visible.get(i) && (filter.isEmpty() || filter.matches(parse(ch.visibilityImage())))) {
                subscriber.write(ChangeEncoder.encode(ch));
            }
        }
        subscriber.flush();
    }

    private static JsonNode parse(String json) {
        if (json == null) {
            return null;
        }
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            log.warn("unparsable row image skipped by a filter: {}", e.getOriginalMessage());
            return null;
        }
    }
}
