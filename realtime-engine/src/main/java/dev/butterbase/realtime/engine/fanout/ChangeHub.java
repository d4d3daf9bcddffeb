package dev.butterbase.realtime.engine.fanout;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.butterbase.realtime.engine.capture.Change;
import dev.butterbase.realtime.engine.identity.Identity;
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
        Map<String, List<Integer>> indexesByTable = new LinkedHashMap<>();
        for (int i = 0; i < changes.size(); i++) {
            Change ch = changes.get(i);
            Map<Subscriber, RowFilter> subs = byTable.get(ch.table());
            if (subs != null && !subs.isEmpty()) {
                indexesByTable.computeIfAbsent(ch.table(), t -> new ArrayList<>()).add(i);
            }
        }
        if (indexesByTable.isEmpty()) {
            return;
        }
        // visibility[global change index] -> identities allowed, computed once per (table, identity)
        Map<Identity, BitSet> visibleByIdentity = new HashMap<>();
        Map<String, Map<Subscriber, Identity>> recipientsByTable = new HashMap<>();
        for (Map.Entry<String, List<Integer>> e : indexesByTable.entrySet()) {
            String table = e.getKey();
            List<Change> tableChanges = new ArrayList<>(e.getValue().size());
            e.getValue().forEach(i -> tableChanges.add(changes.get(i)));
            Map<Subscriber, Identity> recipients = new HashMap<>();
            Map<Identity, BitSet> tableVisible = new HashMap<>();
            for (Subscriber s : byTable.get(table).keySet()) {
                Identity identity = s.identity();
                if (identity == null) {
                    continue; // the client's identity lapsed (token expired): it receives nothing
                }
                recipients.put(s, identity);
                tableVisible.computeIfAbsent(identity, id -> rls.visible(c, table, tableChanges, id));
            }
            recipientsByTable.put(table, recipients);
            // re-index the per-table bits onto global change indexes
            for (Map.Entry<Identity, BitSet> v : tableVisible.entrySet()) {
                BitSet global = visibleByIdentity.computeIfAbsent(v.getKey(), id -> new BitSet(changes.size()));
                BitSet local = v.getValue();
                for (int k = local.nextSetBit(0); k >= 0; k = local.nextSetBit(k + 1)) {
                    global.set(e.getValue().get(k));
                }
            }
        }
        for (int i = 0; i < changes.size(); i++) {
            Change ch = changes.get(i);
            Map<Subscriber, Identity> recipients = recipientsByTable.get(ch.table());
            if (recipients == null) {
                continue;
            }
            Map<Subscriber, RowFilter> filters = byTable.get(ch.table());
            deliver(ch, i, recipients, filters, visibleByIdentity);
        }
    }

    /** The spec's literal algorithm: every subscriber of the table is checked for every change, then filtered. */
    private void dispatchNaive(Connection c, List<Change> changes) {
        for (Change ch : changes) {
            Map<Subscriber, RowFilter> subs = byTable.getOrDefault(ch.table(), Map.of());
            byte[] encoded = null;
            JsonNode image = null;
            for (Map.Entry<Subscriber, RowFilter> s : subs.entrySet()) {
                Identity identity = s.getKey().identity();
                if (identity == null || !naive.visible(c, ch, identity)) {
                    continue;
                }
                if (!s.getValue().isEmpty()) {
                    image = image == null ? parse(ch.visibilityImage()) : image;
                    if (!s.getValue().matches(image)) {
                        continue;
                    }
                }
                encoded = encoded == null ? ChangeEncoder.encode(ch) : encoded;
                s.getKey().deliver(encoded);
            }
        }
    }

    private static void deliver(Change ch, int index, Map<Subscriber, Identity> recipients,
            Map<Subscriber, RowFilter> filters, Map<Identity, BitSet> visibleByIdentity) {
        byte[] encoded = null;
        JsonNode image = null;
        boolean imageParsed = false;
        for (Map.Entry<Subscriber, Identity> r : recipients.entrySet()) {
            BitSet visible = visibleByIdentity.get(r.getValue());
            if (visible == null || !visible.get(index)) {
                continue;
            }
            RowFilter filter = filters == null ? null : filters.get(r.getKey());
            if (filter == null) {
                continue; // unsubscribed while this burst was being checked
            }
            if (!filter.isEmpty()) {
                if (!imageParsed) {
                    image = parse(ch.visibilityImage());
                    imageParsed = true;
                }
                if (!filter.matches(image)) {
                    continue;
                }
            }
            if (encoded == null) {
                encoded = ChangeEncoder.encode(ch);
            }
            r.getKey().deliver(encoded);
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
                subscriber.deliver(ChangeEncoder.encode(ch));
            }
        }
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
