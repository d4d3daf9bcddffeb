package dev.butterbase.realtime.server.tools;

/**
 * A failure of a tool call that the caller sees as {@code {"error":{"code":…,"message":…}}}.
 * Codes are stable UPPER_SNAKE strings; the HTTP status is the REST mapping of the code.
 */
public final class ToolException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String code;
    private final int httpStatus;

    public ToolException(String code, int httpStatus, String message) {
        super(message);
        this.code = code;
        this.httpStatus = httpStatus;
    }

    public ToolException(String code, int httpStatus, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.httpStatus = httpStatus;
    }

    public static ToolException validation(String code, String message) {
        return new ToolException(code, 400, message);
    }

    public static ToolException notFound(String code, String message) {
        return new ToolException(code, 404, message);
    }

    public String code() {
        return code;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
