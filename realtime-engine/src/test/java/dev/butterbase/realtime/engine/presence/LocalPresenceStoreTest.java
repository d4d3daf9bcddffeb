package dev.butterbase.realtime.engine.presence;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LocalPresenceStoreTest extends PresenceStoreContract {

    @Override
    protected PresenceStore newStore() {
        return new LocalPresenceStore();
    }

    @Test
    void anEmptiedChannelIsForgotten() {
        LocalPresenceStore store = new LocalPresenceStore();
        store.put("app", "room", new PresenceMember("a", null, "{}"));
        store.remove("app", "room", "a");

        assertThat(store.channelCount()).isZero();
    }
}
