package dev.butterbase.realtime.client;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One table's subscription: listener, filter and position (the last change id delivered, or the {@code since}
 * asked for). The position survives reconnects, so the client resumes with {@code since} and never delivers a
 * change id twice or out of order. Mutated on the client's event thread only.
 */
final class TableSubscription implements Subscription {

    /** Why the client itself asks for a resync after a reconnect. */
    static final String NO_POSITION_REASON = "the connection dropped before any change of this table arrived, so there is "
            + "no change id to resume from; changes made while disconnected may be missing";

    private final Session session;
    private final String table;
    private final ChangeListener listener;
    private final SubscribeOptions options;
    private volatile Long position;
    private boolean sentBefore;
    /** The socket generation it was last sent on. */
    int sentGeneration = -1;

    TableSubscription(Session session, String table, ChangeListener listener, SubscribeOptions options) {
        this.session = session;
        this.table = table;
        this.listener = listener;
        this.options = options;
        this.position = options.since();
    }

    @Override
    public String table() {
        return table;
    }

    @Override
    public Long lastChangeId() {
        return position;
    }

    @Override
    public void unsubscribe() {
        session.unsubscribe(this);
    }

    /** The {@code subscribe} message for a new connection; a resume without a position asks for a resync. */
    ObjectNode subscribeMessage(String ref, Runnable resyncNeeded) {
        ObjectNode message = Wire.message("subscribe").put("table", table).put("ref", ref);
        if (!options.filter().isEmpty()) {
            message.set("filter", Wire.JSON.valueToTree(options.filter()));
        }
        Long since = position;
        if (since != null) {
            message.put("since", since);
        } else if (sentBefore) {
            resyncNeeded.run();
        }
        sentBefore = true;
        return message;
    }

    /** Delivers a change unless its id is not after the position (a duplicate or a replay). */
    boolean deliver(Change change) {
        Long last = position;
        if (last != null && change.id() <= last) {
            return false;
        }
        position = change.id();
        Listeners.safely(() -> listener.onChange(change));
        return true;
    }

    /** After a resync the old position means nothing (ids may even have restarted): start over. */
    void resync(String reason) {
        position = null;
        ResyncListener l = options.onResync();
        if (l != null) {
            Listeners.safely(() -> l.onResync(table, reason));
        }
    }

    /** The server's answer; its id (the change id the subscription starts after) is the resume point until a change arrives. */
    void subscribed(Long startsAfter) {
        if (position == null && startsAfter != null) {
            position = startsAfter;
        }
        Runnable l = options.onSubscribed();
        if (l != null) {
            Listeners.safely(l);
        }
    }

    void error(ServerError error) {
        ErrorListener l = options.onError();
        if (l != null) {
            Listeners.safely(() -> l.onError(error));
        }
    }

    @Override
    public String toString() {
        return "Subscription[" + table + ", " + options + ", lastChangeId=" + position + "]";
    }
}
