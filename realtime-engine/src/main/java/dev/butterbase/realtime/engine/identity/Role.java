package dev.butterbase.realtime.engine.identity;

/** The database role a client's changes are checked as. */
public enum Role {
    /** The app's service key: bypasses RLS and sees every change. */
    SERVICE("service"),
    /** An end user with a verified JWT: checked as {@code butterbase_user} with {@code request.jwt.claim.sub}. */
    USER("butterbase_user"),
    /** No token, in an app whose access mode is {@code public}: checked as {@code butterbase_anon}. */
    ANON("butterbase_anon");

    private final String wireName;

    Role(String wireName) {
        this.wireName = wireName;
    }

    /** The name the protocol and the database use: {@code service}, {@code butterbase_user}, {@code butterbase_anon}. */
    public String wireName() {
        return wireName;
    }

    /** The Postgres role name checks run as; {@code null} for {@link #SERVICE}, which runs as the app database's owner. */
    public String databaseRole() {
        return this == SERVICE ? null : wireName;
    }
}
