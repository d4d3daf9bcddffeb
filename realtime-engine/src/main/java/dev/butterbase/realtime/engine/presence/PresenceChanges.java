package dev.butterbase.realtime.engine.presence;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The changes of one channel since its last flush, merged per client id so that a burst costs one entry per
 * client, not one per update. For each client only two things matter: its entry when the interval began
 * (the baseline the recipients know) and its entry now:
 * <ul>
 *   <li>absent then absent (joined and left within the interval): nothing;</li>
 *   <li>absent then present: a join with the latest entry;</li>
 *   <li>present then absent: a leave with the baseline entry;</li>
 *   <li>present then present: a join with the latest entry if it differs from the baseline, else nothing.</li>
 * </ul>
 * Not thread-safe: guarded by the owner's lock.
 */
final class PresenceChanges {

    private record Entry(PresenceMember baseline, PresenceMember current) {}

    private final Map<String, Entry> byClient = new LinkedHashMap<>();

    /** Records that a client's entry went from {@code before} to {@code after} (either may be null, not both). */
    void record(PresenceMember before, PresenceMember after) {
        PresenceMember any = after != null ? after : Objects.requireNonNull(before, "before and after are both null");
        Entry previous = byClient.get(any.clientId());
        byClient.put(any.clientId(), new Entry(previous == null ? before : previous.baseline(), after));
    }

    boolean isEmpty() {
        return byClient.isEmpty();
    }

    /** The merged diff since the last drain; starts a new interval. */
    PresenceDiff drain() {
        if (byClient.isEmpty()) {
            return PresenceDiff.EMPTY;
        }
        List<PresenceMember> joins = new ArrayList<>();
        List<PresenceMember> leaves = new ArrayList<>();
        for (Entry e : byClient.values()) {
            if (e.current() == null) {
                if (e.baseline() != null) {
                    leaves.add(e.baseline());
                }
            } else if (!e.current().equals(e.baseline())) {
                joins.add(e.current());
            }
        }
        byClient.clear();
        return new PresenceDiff(joins, leaves);
    }
}
