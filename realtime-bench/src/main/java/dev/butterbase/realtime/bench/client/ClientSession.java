package dev.butterbase.realtime.bench.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;

/**
 * What the clients of a scenario do. One instance serves every client of a run (per-client state lives in arrays
 * indexed by {@link BenchConnection#index()}); each method is called on the client's event loop, so per-client
 * state needs no locking. Must not block.
 */
public interface ClientSession {

    /** The server sent {@code connected}: subscribe, track, … and call {@link BenchConnection#markReady()} when set up. */
    void onConnected(BenchConnection client);

    /** A {@code change} message (its bytes; not retained after the call). */
    void onChange(BenchConnection client, LoopContext loop, ByteBuf text);

    /** Any other message, before it is parsed; return true to consume it without parsing (hot paths). */
    default boolean onText(BenchConnection client, LoopContext loop, ByteBuf text) {
        return false;
    }

    /** Any other message, parsed ({@code subscribed}, {@code error}, …). */
    void onMessage(BenchConnection client, JsonNode message);
}
