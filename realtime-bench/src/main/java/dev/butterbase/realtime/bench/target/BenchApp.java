package dev.butterbase.realtime.bench.target;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.butterbase.realtime.bench.BenchException;
import dev.butterbase.realtime.server.control.PostgresUrl;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * The app a run creates for itself through the tool API: its schema, policies and realtime tables are set up
 * through the same calls a user makes; its database is written to directly over JDBC (the owner's URL that
 * {@code manage_app create} returns), as an application backend would.
 */
public final class BenchApp {

    private final AdminApi api;
    private final String appId;
    private final String jwtSecret;
    private final PostgresUrl database;
    private final String websocketUrl;
    private final MACSigner signer;

    private BenchApp(AdminApi api, JsonNode created) {
        this.api = api;
        this.appId = created.get("app_id").asText();
        this.jwtSecret = created.get("jwt_secret").asText();
        this.database = PostgresUrl.parse(created.get("database_url").asText());
        this.websocketUrl = "ws" + api.baseUrl().substring(4) + "/v1/" + appId + "/realtime";
        try {
            this.signer = new MACSigner(jwtSecret.getBytes(StandardCharsets.UTF_8));
        } catch (JOSEException e) {
            throw new BenchException("the app's jwt_secret cannot sign HS256 tokens", e);
        }
    }

    /** Creates an app in {@code authenticated} mode that admits {@code maxListeners} connections. */
    public static BenchApp create(AdminApi api, String name, int maxListeners) {
        return new BenchApp(api, api.call("manage_app", AdminApi.args("action", "create", "name", name,
                "access_mode", "authenticated", "plan", Map.of("max_realtime_listeners", maxListeners))));
    }

    public String appId() {
        return appId;
    }

    public PostgresUrl database() {
        return database;
    }

    /** {@code manage_schema apply}: one transaction. */
    public void sql(String sql) {
        api.call("manage_schema", AdminApi.args("action", "apply", "app_id", appId, "sql", sql));
    }

    public void userIsolation(String table, String userColumn) {
        api.call("manage_rls", AdminApi.args("action", "create_user_isolation", "app_id", appId, "table", table,
                "user_column", userColumn));
    }

    /** {@code manage_rls create_policy} for SELECT by {@code butterbase_user}. */
    public void selectPolicy(String table, String name, String using, boolean permissive) {
        api.call("manage_rls", AdminApi.args("action", "create_policy", "app_id", appId, "table", table, "name", name,
                "command", "SELECT", "roles", List.of("butterbase_user"), "using", using, "permissive", permissive));
    }

    public void enableRealtime(String... tables) {
        api.call("manage_realtime", AdminApi.args("action", "configure", "app_id", appId, "tables", tables));
    }

    /** An HS256 user token for {@code sub}, signed with the app's secret. */
    public String token(String sub, Instant expiresAt) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256),
                    new JWTClaimsSet.Builder().subject(sub).issueTime(new Date()).expirationTime(Date.from(expiresAt)).build());
            jwt.sign(signer);
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new BenchException("cannot sign a token", e);
        }
    }

    public URI websocketUri(String token) {
        return URI.create(websocketUrl + "?token=" + token);
    }

    /** A JDBC connection to the app database as its owner (RLS does not apply), autocommit. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password());
    }

    /** Deletes the app and its database. */
    public void delete() {
        api.call("manage_app", AdminApi.args("action", "delete", "app_id", appId));
    }
}
