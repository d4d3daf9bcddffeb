package dev.butterbase.realtime.engine.presence;

import java.util.List;

/**
 * What changed in a channel over one coalescing interval, merged per client: {@code joins} are clients that
 * arrived or whose entry changed (a join for a client id the recipient already has replaces that entry);
 * {@code leaves} are clients that left, as they were before they left.
 */
public record PresenceDiff(List<PresenceMember> joins, List<PresenceMember> leaves) {

    public static final PresenceDiff EMPTY = new PresenceDiff(List.of(), List.of());

    public PresenceDiff {
        joins = List.copyOf(joins);
        leaves = List.copyOf(leaves);
    }

    public boolean isEmpty() {
        return joins.isEmpty() && leaves.isEmpty();
    }
}
