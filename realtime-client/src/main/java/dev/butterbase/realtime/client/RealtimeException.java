package dev.butterbase.realtime.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A failed {@link RealtimeClient#emit}: the function's error ({@code event_result} with status {@code error}), a
 * server {@code error}, or the client's own {@code TIMEOUT}, {@code CONNECTION_LOST} (the connection dropped
 * before the result; the function may or may not have run) or {@code CLOSED}.
 */
public final class RealtimeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String code;
    private final transient JsonNode details;

    public RealtimeException(String code, String message, JsonNode details) {
        super(message);
        this.code = code;
        this.details = details;
    }

    public String code() {
        return code;
    }

    /** The server's message as sent ({@code event_result} with its {@code error} and partial {@code result}, or {@code error}), or null. */
    public JsonNode details() {
        return details;
    }

    @Override
    public String toString() {
        return "RealtimeException[" + code + ": " + getMessage() + "]";
    }
}
