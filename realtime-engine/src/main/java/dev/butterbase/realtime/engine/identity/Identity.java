package dev.butterbase.realtime.engine.identity;

import java.util.Objects;

/**
 * Who a client is, as verified from its token: a role and, for {@link Role#USER}, the user id (the JWT's
 * {@code sub}). Two clients with equal identities see exactly the same rows, so RLS checks are grouped by it.
 */
public record Identity(Role role, String userId) {

    public static final Identity SERVICE = new Identity(Role.SERVICE, null);
    public static final Identity ANON = new Identity(Role.ANON, null);

    public Identity {
        Objects.requireNonNull(role, "role");
        if (role == Role.USER && (userId == null || userId.isEmpty())) {
            throw new IllegalArgumentException("a user identity needs a user id");
        }
        if (role != Role.USER && userId != null) {
            throw new IllegalArgumentException(role + " identities carry no user id");
        }
    }

    public static Identity user(String userId) {
        return new Identity(Role.USER, userId);
    }

    @Override
    public String toString() {
        return role == Role.USER ? role.wireName() + ":" + userId : role.wireName();
    }
}
