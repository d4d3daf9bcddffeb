package dev.butterbase.realtime.client;

/**
 * An {@code error} message from the server; the connection stays open.
 *
 * @param code    e.g. {@code TABLE_NOT_ENABLED}, {@code INVALID_TOKEN}
 * @param message for humans
 * @param table   the table it is about, or null
 * @param ref     the ref of the request it answers, or null
 */
public record ServerError(String code, String message, String table, String ref) {}
