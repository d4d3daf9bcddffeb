package dev.butterbase.realtime.engine.presence;

import dev.butterbase.realtime.engine.fanout.Subscriber;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Presence channels and their coalesced fan-out.
 *
 * <p>A channel's <em>audience</em> is every client that subscribed to it or tracked in it; a client's tracked
 * entry is always in a channel whose audience it belongs to. Changes never send anything at once: they mark
 * the channel dirty, and one flusher thread, every {@link PresenceSettings#coalesceInterval()}, takes each dirty
 * channel's merged changes ({@link PresenceChanges}) and sends them: one {@code presence_state}, encoded once,
 * to every state recipient, and one {@code presence_diff}, encoded once, to every diff recipient. A client that
 * just joined the audience gets a {@code presence_state} in either mode, and no diff in the same flush.
 * So each client gets at most one message per channel per interval, however fast the others move, and the
 * work per interval is bounded by the dirty channels' sizes, not by the number of updates.
 *
 * <p>All methods are safe to call from any thread and never block on I/O: mutations hold a channel's lock for
 * a few map operations. A client's own operations must come from one thread at a time (its event loop).
 */
public final class PresenceHub implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PresenceHub.class);

    /** The result of a request that can be refused. */
    public enum Outcome { OK, METADATA_TOO_LARGE, TOO_MANY_CHANNELS }

    private record ChannelKey(String appId, String channel) {}

    /** One channel's audience and pending changes; guarded by its own monitor. */
    private static final class ChannelState {
        /** Audience, in arrival order: true = wants diffs, false = wants full states. */
        final Map<Subscriber, Boolean> audience = new LinkedHashMap<>();
        /** Members of the audience owed a full state at the next flush. */
        final Set<Subscriber> newcomers = new HashSet<>();
        final PresenceChanges pending = new PresenceChanges();
        boolean retired;
    }

    @FunctionalInterface
    private interface ChannelOp<T> {
        T apply(ChannelState state);
    }

    private final PresenceStore store;
    private final PresenceSettings settings;
    private final Map<ChannelKey, ChannelState> channels = new ConcurrentHashMap<>();
    private final Set<ChannelKey> dirty = ConcurrentHashMap.newKeySet();
    private final Map<Subscriber, Set<ChannelKey>> channelsOfClient = new ConcurrentHashMap<>();
    private ScheduledExecutorService flusher;

    public PresenceHub(PresenceStore store, PresenceSettings settings) {
        this.store = store;
        this.settings = settings;
    }

    public PresenceSettings settings() {
        return settings;
    }

    /** Starts the flusher thread. Without it nothing is sent until {@link #flush} is called (tests do that). */
    public synchronized void start() {
        if (flusher != null) {
            return;
        }
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "presence-flush");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        long interval = settings.coalesceInterval().toNanos();
        // fixed delay, not fixed rate: a late flush is never followed by a catch-up burst
        executor.scheduleWithFixedDelay(this::flush, interval, interval, TimeUnit.NANOSECONDS);
        flusher = executor;
    }

    /**
     * Adds or replaces the client's entry in the channel, joining the channel's audience (full states) if it was
     * not in it.
     *
     * @param userId       the verified user id, or null
     * @param metadataJson compact JSON text
     */
    public Outcome track(String appId, String channel, Subscriber client, String userId, String metadataJson) {
        if (utf8Length(metadataJson) > settings.maxMetadataBytes()) {
            return Outcome.METADATA_TOO_LARGE;
        }
        ChannelKey key = new ChannelKey(appId, channel);
        if (!reserve(client, key)) {
            return Outcome.TOO_MANY_CHANNELS;
        }
        PresenceMember member = new PresenceMember(client.clientId(), userId, metadataJson);
        withChannel(key, ch -> {
            if (!ch.audience.containsKey(client)) {
                ch.audience.put(client, false);
                ch.newcomers.add(client);
            }
            ch.pending.record(store.put(appId, channel, member), member);
            return null;
        });
        dirty.add(key);
        return Outcome.OK;
    }

    /** Removes the client's entry; it stays in the audience. @return whether it had one */
    public boolean untrack(String appId, String channel, Subscriber client) {
        ChannelKey key = new ChannelKey(appId, channel);
        ChannelState ch = channels.get(key);
        if (ch == null) {
            return false;
        }
        boolean removed;
        synchronized (ch) {
            removed = !ch.retired && removeEntry(key, ch, client);
        }
        if (removed) {
            dirty.add(key);
        }
        return removed;
    }

    /**
     * Joins the channel's audience (or switches its mode); the client gets the channel's full state at the next
     * flush, then full states ({@code diffs} false) or diffs on every change.
     */
    public Outcome subscribe(String appId, String channel, Subscriber client, boolean diffs) {
        ChannelKey key = new ChannelKey(appId, channel);
        if (!reserve(client, key)) {
            return Outcome.TOO_MANY_CHANNELS;
        }
        withChannel(key, ch -> {
            ch.audience.put(client, diffs);
            ch.newcomers.add(client);
            return null;
        });
        dirty.add(key);
        return Outcome.OK;
    }

    /** Leaves the channel: its entry is removed and it gets no more messages of the channel. */
    public void unsubscribe(String appId, String channel, Subscriber client) {
        ChannelKey key = new ChannelKey(appId, channel);
        Set<ChannelKey> mine = channelsOfClient.get(client);
        if (mine != null) {
            mine.remove(key);
        }
        leave(key, client);
    }

    /** The client is gone: it leaves every channel at once (the others hear of it at the next flush). */
    public void disconnect(Subscriber client) {
        Set<ChannelKey> mine = channelsOfClient.remove(client);
        if (mine != null) {
            for (ChannelKey key : mine) {
                leave(key, client);
            }
        }
    }

    /** The channel's current entries. */
    public List<PresenceMember> members(String appId, String channel) {
        return store.members(appId, channel);
    }

    /** Channels with an audience (for tests and metrics). */
    public int channelCount() {
        return channels.size();
    }

    /** Sends what changed in every dirty channel. Called by the flusher thread; tests may call it directly. */
    public void flush() {
        for (Iterator<ChannelKey> it = dirty.iterator(); it.hasNext(); ) {
            ChannelKey key = it.next();
            it.remove();
            try {
                flushChannel(key);
            } catch (RuntimeException e) {
                log.warn("presence flush of channel {} of {} failed", key.channel(), key.appId(), e);
            }
        }
    }

    private void flushChannel(ChannelKey key) {
        ChannelState ch = channels.get(key);
        if (ch == null) {
            return;
        }
        List<Subscriber> stateTo = new ArrayList<>();
        List<Subscriber> diffTo = new ArrayList<>();
        List<PresenceMember> members;
        PresenceDiff diff;
        synchronized (ch) {
            if (ch.retired) {
                return;
            }
            diff = ch.pending.drain();
            if (diff.isEmpty() && ch.newcomers.isEmpty()) {
                return;
            }
            members = store.members(key.appId(), key.channel());
            for (Map.Entry<Subscriber, Boolean> e : ch.audience.entrySet()) {
                if (ch.newcomers.contains(e.getKey())) {
                    stateTo.add(e.getKey());
                } else if (!diff.isEmpty()) {
                    (e.getValue() ? diffTo : stateTo).add(e.getKey());
                }
            }
            ch.newcomers.clear();
        }
        if (!stateTo.isEmpty()) {
            deliver(stateTo, PresenceEncoder.state(key.channel(), members));
        }
        if (!diffTo.isEmpty()) {
            deliver(diffTo, PresenceEncoder.diff(key.channel(), diff));
        }
    }

    private static void deliver(List<Subscriber> recipients, byte[] message) {
        for (Subscriber s : recipients) {
            try {
                s.deliver(message);
            } catch (RuntimeException e) {
                log.warn("presence delivery to client {} failed", s.clientId(), e);
            }
        }
    }

    private boolean reserve(Subscriber client, ChannelKey key) {
        Set<ChannelKey> mine = channelsOfClient.computeIfAbsent(client, c -> ConcurrentHashMap.newKeySet());
        if (mine.contains(key)) {
            return true;
        }
        if (mine.size() >= settings.maxChannelsPerClient()) {
            return false;
        }
        mine.add(key);
        return true;
    }

    private void leave(ChannelKey key, Subscriber client) {
        ChannelState ch = channels.get(key);
        if (ch == null) {
            return;
        }
        boolean changed;
        synchronized (ch) {
            if (ch.retired) {
                return;
            }
            changed = removeEntry(key, ch, client);
            ch.audience.remove(client);
            ch.newcomers.remove(client);
            if (ch.audience.isEmpty()) {
                // nobody left to tell; tracked entries are always in the audience, so the channel is empty
                ch.retired = true;
                channels.remove(key, ch);
                return;
            }
        }
        if (changed) {
            dirty.add(key);
        }
    }

    /** Removes the client's entry and records the leave; call holding the channel's lock. */
    private boolean removeEntry(ChannelKey key, ChannelState ch, Subscriber client) {
        PresenceMember removed = store.remove(key.appId(), key.channel(), client.clientId());
        if (removed == null) {
            return false;
        }
        ch.pending.record(removed, null);
        return true;
    }

    private <T> T withChannel(ChannelKey key, ChannelOp<T> op) {
        while (true) {
            ChannelState ch = channels.computeIfAbsent(key, k -> new ChannelState());
            synchronized (ch) {
                if (!ch.retired) {
                    return op.apply(ch);
                }
            }
            // retired between lookup and lock: the map no longer holds it, take (or make) the new one
        }
    }

    /** Bytes of {@code s} in UTF-8, without encoding it. */
    static int utf8Length(String s) {
        int bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    @Override
    public synchronized void close() {
        if (flusher != null) {
            flusher.shutdownNow();
            flusher = null;
        }
    }
}
