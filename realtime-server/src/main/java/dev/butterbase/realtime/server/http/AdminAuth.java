package dev.butterbase.realtime.server.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** Checks the admin key of control requests ({@code Authorization: Bearer <key>}) in constant time. */
public final class AdminAuth {

    private final byte[] adminKey;

    public AdminAuth(String adminKey) {
        if (adminKey == null || adminKey.length() < 16) {
            throw new IllegalArgumentException("the admin key must be at least 16 characters");
        }
        this.adminKey = adminKey.getBytes(StandardCharsets.UTF_8);
    }

    public boolean allows(HttpRequest request) {
        String token = bearer(request);
        return token != null && MessageDigest.isEqual(adminKey, token.getBytes(StandardCharsets.UTF_8));
    }

    /** The bearer token of the request, or null. */
    public static String bearer(HttpRequest request) {
        String header = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (header == null || header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = header.substring(7).trim();
        return token.isEmpty() ? null : token;
    }
}
