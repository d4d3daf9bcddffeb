package dev.butterbase.realtime.engine.presence;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The contract every {@link PresenceStore} passes; each implementation's test extends it. */
abstract class PresenceStoreContract {

    protected abstract PresenceStore newStore();

    private static PresenceMember m(String client, String metadata) {
        return new PresenceMember(client, null, metadata);
    }

    @Test
    void putAddsAndReplacesKeepingJoinOrder() {
        PresenceStore store = newStore();
        assertThat(store.put("app", "room", m("a", "{\"n\":1}"))).isNull();
        assertThat(store.put("app", "room", m("b", "{}"))).isNull();
        assertThat(store.put("app", "room", m("a", "{\"n\":2}"))).isEqualTo(m("a", "{\"n\":1}"));

        assertThat(store.members("app", "room")).containsExactly(m("a", "{\"n\":2}"), m("b", "{}"));
    }

    @Test
    void removeReturnsTheEntryOnce() {
        PresenceStore store = newStore();
        store.put("app", "room", m("a", "{}"));

        assertThat(store.remove("app", "room", "a")).isEqualTo(m("a", "{}"));
        assertThat(store.remove("app", "room", "a")).isNull();
        assertThat(store.remove("app", "nowhere", "a")).isNull();
        assertThat(store.members("app", "room")).isEmpty();
    }

    @Test
    void appsAndChannelsAreSeparate() {
        PresenceStore store = newStore();
        store.put("app1", "room", m("a", "{}"));
        store.put("app1", "other", m("b", "{}"));
        store.put("app2", "room", m("c", "{}"));

        assertThat(store.members("app1", "room")).containsExactly(m("a", "{}"));
        assertThat(store.members("app1", "other")).containsExactly(m("b", "{}"));
        assertThat(store.members("app2", "room")).containsExactly(m("c", "{}"));
        assertThat(store.members("app2", "other")).isEmpty();
    }

    @Test
    void membersIsASnapshot() {
        PresenceStore store = newStore();
        store.put("app", "room", m("a", "{}"));
        var snapshot = store.members("app", "room");
        store.put("app", "room", m("b", "{}"));

        assertThat(snapshot).containsExactly(m("a", "{}"));
    }
}
