package dev.butterbase.realtime.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.butterbase.realtime.server.RealtimeServer;
import dev.butterbase.realtime.server.control.App;
import dev.butterbase.realtime.server.control.PostgresUrl;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Date;
import java.util.Map;

/** An app created on a running server for one test, with helpers to connect clients and write SQL directly. */
public final class TestApp {

    private final RealtimeServer server;
    private final ToolClient tools;
    public final String appId;
    public final String serviceKey;
    public final String jwtSecret;

    private TestApp(RealtimeServer server, ToolClient tools, JsonNode created) {
        this.server = server;
        this.tools = tools;
        this.appId = created.get("app_id").asText();
        this.serviceKey = created.get("service_key").asText();
        this.jwtSecret = created.get("jwt_secret").asText();
    }

    public static TestApp create(RealtimeServer server, ToolClient tools, String accessMode) {
        return new TestApp(server, tools, tools.createApp(accessMode));
    }

    /** On the JVM-wide shared server. */
    public static TestApp create(String accessMode) {
        return create(SharedServer.get(), SharedServer.tools(), accessMode);
    }

    public ToolClient tools() {
        return tools;
    }

    public void sql(String sql) {
        tools.sql(appId, sql);
    }

    public JsonNode configure(String... tables) {
        return tools.ok("manage_realtime", ToolClient.args("action", "configure", "app_id", appId, "tables", tables));
    }

    /** A direct JDBC connection to the app database as its owner (bypasses RLS), for writes in tests. */
    public Connection connect() throws SQLException {
        App app = server.apps().find(appId).orElseThrow();
        PostgresUrl url = server.apps().databases().urlOf(app);
        return DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
    }

    public void exec(String sql) {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public String jwt(String sub) {
        return jwt(sub, Instant.now().plusSeconds(3600));
    }

    public String jwt(String sub, Instant expiresAt) {
        return signedJwt(jwtSecret, sub, expiresAt);
    }

    public static String signedJwt(String secret, String sub, Instant expiresAt) {
        try {
            JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().subject(sub).issueTime(new Date());
            if (expiresAt != null) {
                claims.expirationTime(Date.from(expiresAt));
            }
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
            jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public String websocketUrl() {
        return server.websocketUrl(appId);
    }

    /** Connects with {@code ?token=} (null: no token). */
    public WsClient client(String token) {
        return WsClient.connect(token == null ? websocketUrl() : websocketUrl() + "?token=" + token);
    }

    public WsClient userClient(String sub) {
        return client(jwt(sub));
    }

    public WsClient serviceClient() {
        return WsClient.connect(websocketUrl(), Map.of("Authorization", "Bearer " + serviceKey));
    }

    /** Connects, waits for {@code connected}, subscribes and waits for {@code subscribed}. */
    public static WsClient subscribed(WsClient client, String table) {
        client.awaitType("connected");
        client.send(ToolClient.args("type", "subscribe", "table", table));
        client.await(m -> "subscribed".equals(m.path("type").asText()) && table.equals(m.path("table").asText()));
        return client;
    }
}
