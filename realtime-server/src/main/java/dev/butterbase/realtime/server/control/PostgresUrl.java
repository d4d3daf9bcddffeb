package dev.butterbase.realtime.server.control;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A PostgreSQL connection address in the {@code postgres://user:password@host:port/database?params} form,
 * convertible to a JDBC URL. {@link #toString()} never shows the password.
 */
public final class PostgresUrl {

    private final String host;
    private final int port;
    private final String database;
    private final String user;
    private final String password;
    private final String query;

    private PostgresUrl(String host, int port, String database, String user, String password, String query) {
        this.host = host;
        this.port = port;
        this.database = database;
        this.user = user;
        this.password = password;
        this.query = query;
    }

    public static PostgresUrl of(String host, int port, String database, String user, String password) {
        return new PostgresUrl(host, port, database, user, password, null);
    }

    /**
     * @throws IllegalArgumentException with a message fit for the user when the URL is malformed
     */
    public static PostgresUrl parse(String url) {
        Objects.requireNonNull(url, "url");
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("malformed database URL: " + e.getReason());
        }
        String scheme = uri.getScheme();
        if (!"postgres".equals(scheme) && !"postgresql".equals(scheme)) {
            throw new IllegalArgumentException("database URL must start with postgres:// or postgresql://");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("database URL has no host");
        }
        String path = uri.getRawPath();
        if (path == null || path.length() <= 1) {
            throw new IllegalArgumentException("database URL has no database name");
        }
        String database = decode(path.substring(1));
        String user = null;
        String password = null;
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
        }
        int port = uri.getPort() < 0 ? 5432 : uri.getPort();
        return new PostgresUrl(uri.getHost(), port, database, user, password, uri.getRawQuery());
    }

    /** Percent-decoding only: unlike in a form, '+' in a URL's user info or path is a plus (as libpq reads it). */
    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The same server and credentials, another database. */
    public PostgresUrl withDatabase(String otherDatabase) {
        return new PostgresUrl(host, port, otherDatabase, user, password, query);
    }

    public String jdbcUrl() {
        String base = "jdbc:postgresql://" + hostForUri() + ":" + port + "/" + encode(database);
        return query == null ? base : base + "?" + query;
    }

    private String hostForUri() {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String database() {
        return database;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    /** The full URL including the password: for the admin API's answers only, never for logs. */
    public String toUrlWithPassword() {
        StringBuilder sb = new StringBuilder("postgres://");
        if (user != null) {
            sb.append(encode(user));
            if (password != null) {
                sb.append(':').append(encode(password));
            }
            sb.append('@');
        }
        sb.append(hostForUri()).append(':').append(port).append('/').append(encode(database));
        if (query != null) {
            sb.append('?').append(query);
        }
        return sb.toString();
    }

    /** The URL with the password masked: safe to log. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("postgres://");
        if (user != null) {
            sb.append(encode(user));
            if (password != null) {
                sb.append(":***");
            }
            sb.append('@');
        }
        return sb.append(hostForUri()).append(':').append(port).append('/').append(encode(database)).toString();
    }
}
