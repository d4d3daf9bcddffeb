package dev.butterbase.realtime.client;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** Options of a table subscription; immutable. {@code SubscribeOptions.builder().filter("room_id", "r1").build()}. */
public final class SubscribeOptions {

    /** No filter, no {@code since}, no callbacks. */
    public static final SubscribeOptions NONE = builder().build();

    private final Map<String, Object> filter;
    private final Long since;
    private final ResyncListener onResync;
    private final Runnable onSubscribed;
    private final ErrorListener onError;

    private SubscribeOptions(Builder b) {
        this.filter = Collections.unmodifiableMap(new LinkedHashMap<>(b.filter));
        this.since = b.since;
        this.onResync = b.onResync;
        this.onSubscribed = b.onSubscribed;
        this.onError = b.onError;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code column → value} equality the server applies after RLS; empty: none. */
    public Map<String, Object> filter() {
        return filter;
    }

    /** The change id to resume after, or null. */
    public Long since() {
        return since;
    }

    ResyncListener onResync() {
        return onResync;
    }

    Runnable onSubscribed() {
        return onSubscribed;
    }

    ErrorListener onError() {
        return onError;
    }

    @Override
    public String toString() {
        return "SubscribeOptions[filter=" + filter + ", since=" + since + "]";
    }

    public static final class Builder {
        private final Map<String, Object> filter = new LinkedHashMap<>();
        private Long since;
        private ResyncListener onResync;
        private Runnable onSubscribed;
        private ErrorListener onError;

        private Builder() {}

        /** Adds {@code column = value} to the filter; value is a string, number, boolean or null. */
        public Builder filter(String column, Object value) {
            Objects.requireNonNull(column, "column");
            if (value != null && !(value instanceof String || value instanceof Number || value instanceof Boolean)) {
                throw new IllegalArgumentException("a filter value is a string, number, boolean or null, got "
                        + value.getClass().getName());
            }
            filter.put(column, value);
            return this;
        }

        /** Resumes after this change id: the server first sends every retained change after it, then live ones. */
        public Builder since(long changeId) {
            if (changeId < 0) {
                throw new IllegalArgumentException("since must be a change id (>= 0), got " + changeId);
            }
            this.since = changeId;
            return this;
        }

        /** Called when this table needs a resync (besides the client's own resync listeners). */
        public Builder onResync(ResyncListener listener) {
            this.onResync = listener;
            return this;
        }

        /** Called when the server acknowledges the subscription, after every (re)connect. */
        public Builder onSubscribed(Runnable listener) {
            this.onSubscribed = listener;
            return this;
        }

        /** Called for a server error about this subscription, e.g. {@code TABLE_NOT_ENABLED}. */
        public Builder onError(ErrorListener listener) {
            this.onError = listener;
            return this;
        }

        public SubscribeOptions build() {
            return new SubscribeOptions(this);
        }
    }
}
