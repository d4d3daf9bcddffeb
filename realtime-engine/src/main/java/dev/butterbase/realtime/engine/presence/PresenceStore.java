package dev.butterbase.realtime.engine.presence;

import java.util.List;

/**
 * Where presence entries live, per (app, channel). {@link LocalPresenceStore} keeps them in this process; a
 * shared store lets several servers see one channel. Every implementation passes the same contract tests.
 *
 * <p>Implementations are safe to call from any thread and must be quick: {@link PresenceHub} calls them while
 * it holds a channel's lock, from event loops.
 */
public interface PresenceStore {

    /** Adds or replaces the client's entry; a replaced entry keeps its place in the order. @return the previous entry or null */
    PresenceMember put(String appId, String channel, PresenceMember member);

    /** @return the removed entry, or null when the client had none */
    PresenceMember remove(String appId, String channel, String clientId);

    /** The channel's entries in the order clients first joined; empty for an unknown channel. */
    List<PresenceMember> members(String appId, String channel);
}
