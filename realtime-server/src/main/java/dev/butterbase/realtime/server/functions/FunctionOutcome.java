package dev.butterbase.realtime.server.functions;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What one function call came to: its JSON answer, or an error with a stable code.
 *
 * @param result     the function's JSON response (a JSON null for an empty 2xx body); null on failure
 * @param errorCode  null on success, else e.g. {@code FUNCTION_TIMEOUT}
 * @param httpStatus the function's HTTP status when it answered, else 0
 */
public record FunctionOutcome(String function, JsonNode result, String errorCode, String errorMessage, int httpStatus) {

    public static FunctionOutcome ok(String function, JsonNode result, int httpStatus) {
        return new FunctionOutcome(function, result, null, null, httpStatus);
    }

    public static FunctionOutcome failed(String function, String code, String message) {
        return new FunctionOutcome(function, null, code, message, 0);
    }

    public static FunctionOutcome failed(String function, String code, String message, int httpStatus) {
        return new FunctionOutcome(function, null, code, message, httpStatus);
    }

    public boolean succeeded() {
        return errorCode == null;
    }
}
