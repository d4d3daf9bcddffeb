package dev.butterbase.realtime.bench;

/** The run cannot go on (setup refused, server unreachable, bad option): reported as an error, not as a result. */
public final class BenchException extends RuntimeException {

    public BenchException(String message) {
        super(message);
    }

    public BenchException(String message, Throwable cause) {
        super(message, cause);
    }
}
