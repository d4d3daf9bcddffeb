package dev.butterbase.realtime.engine.presence;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The per-interval merge of presence changes: what a diff recipient is told after a burst. */
class PresenceChangesTest {

    private static PresenceMember m(String client, String metadata) {
        return new PresenceMember(client, "user-" + client, metadata);
    }

    @Test
    void aJoinIsAJoinWithTheLatestEntry() {
        PresenceChanges changes = new PresenceChanges();
        changes.record(null, m("a", "{\"x\":1}"));
        changes.record(m("a", "{\"x\":1}"), m("a", "{\"x\":2}"));
        changes.record(m("a", "{\"x\":2}"), m("a", "{\"x\":3}"));

        PresenceDiff diff = changes.drain();
        assertThat(diff.joins()).containsExactly(m("a", "{\"x\":3}"));
        assertThat(diff.leaves()).isEmpty();
    }

    @Test
    void joinThenLeaveWithinOneIntervalCancelsOut() {
        PresenceChanges changes = new PresenceChanges();
        changes.record(null, m("a", "{}"));
        changes.record(m("a", "{}"), m("a", "{\"x\":1}"));
        changes.record(m("a", "{\"x\":1}"), null);

        assertThat(changes.drain().isEmpty()).isTrue();
    }

    @Test
    void anUpdateOfAnExistingMemberIsAJoinWithTheNewEntry() {
        PresenceChanges changes = new PresenceChanges();
        changes.record(m("a", "{\"x\":1}"), m("a", "{\"x\":2}"));

        PresenceDiff diff = changes.drain();
        assertThat(diff.joins()).containsExactly(m("a", "{\"x\":2}"));
        assertThat(diff.leaves()).isEmpty();
    }

    @Test
    void anUpdateBackToTheBaselineIsNothing() {
        PresenceChanges changes = new PresenceChanges();
        changes.record(m("a", "{\"x\":1}"), m("a", "{\"x\":2}"));
        changes.record(m("a", "{\"x\":2}"), m("a", "{\"x\":1}"));

        assertThat(changes.drain().isEmpty()).isTrue();
    }

    @Test
    void updateThenLeaveIsALeaveWithTheEntryRecipientsKnew() {
        PresenceChanges changes = new PresenceChanges();
        changes.record(m("a", "{\"x\":1}"), m("a", "{\"x\":2}"));
        changes.record(m("a", "{\"x\":2}"), null);

        PresenceDiff diff = changes.drain();
        assertThat(diff.joins()).isEmpty();
        assertThat(diff.leaves()).containsExactly(m("a", "{\"x\":1}"));
    }

    @Test
    void leaveThenRejoinWithNewMetadataIsAJoin() {
        PresenceChanges changes = new PresenceChanges();
        changes.record(m("a", "{\"x\":1}"), null);
        changes.record(null, m("a", "{\"x\":5}"));

        PresenceDiff diff = changes.drain();
        assertThat(diff.joins()).containsExactly(m("a", "{\"x\":5}"));
        assertThat(diff.leaves()).isEmpty();
    }

    @Test
    void clientsAreMergedIndependentlyInFirstChangeOrderAndDrainStartsAFreshInterval() {
        PresenceChanges changes = new PresenceChanges();
        changes.record(null, m("b", "{}"));
        changes.record(m("a", "{}"), null);
        changes.record(null, m("c", "{}"));
        changes.record(m("b", "{}"), m("b", "{\"y\":1}"));

        PresenceDiff diff = changes.drain();
        assertThat(diff.joins()).containsExactly(m("b", "{\"y\":1}"), m("c", "{}"));
        assertThat(diff.leaves()).containsExactly(m("a", "{}"));
        assertThat(changes.isEmpty()).isTrue();

        changes.record(m("b", "{\"y\":1}"), null);
        assertThat(changes.drain().leaves()).containsExactly(m("b", "{\"y\":1}"));
    }
}
