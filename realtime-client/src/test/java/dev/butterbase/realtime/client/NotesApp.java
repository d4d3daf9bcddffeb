package dev.butterbase.realtime.client;

import static dev.butterbase.realtime.server.testing.ToolClient.args;

import dev.butterbase.realtime.server.testing.SharedServer;
import dev.butterbase.realtime.server.testing.TestApp;
import dev.butterbase.realtime.server.websocket.RealtimeConnection;
import java.util.List;
import java.util.Map;

/**
 * An app on the shared test server with a {@code notes(id, user_id, room, body)} table isolated per user and
 * enabled for realtime, plus what the client tests do to it from the server's side.
 */
public final class NotesApp {

    public final TestApp app;

    private NotesApp(TestApp app) {
        this.app = app;
    }

    public static NotesApp create() {
        TestApp a = TestApp.create("authenticated");
        a.sql("CREATE TABLE notes (id bigserial PRIMARY KEY, user_id text NOT NULL, room text, body text)");
        a.tools().ok("manage_rls", args("action", "create_user_isolation", "app_id", a.appId, "table", "notes",
                "user_column", "user_id"));
        a.configure("notes");
        return new NotesApp(a);
    }

    public String appId() {
        return app.appId;
    }

    public void insert(String userId, String body) {
        app.exec("INSERT INTO notes (user_id, body) VALUES ('" + userId.replace("'", "''") + "', '" + body.replace("'", "''") + "')");
    }

    /** The server's side of this app's open connections. */
    public List<RealtimeConnection> connections() {
        return SharedServer.get().connections().of(app.appId);
    }

    /** Drops every connection of the app from the server's side: a TCP close, no close frame (clients see 1006). */
    public void dropConnections() {
        connections().forEach(c -> c.channel().close().syncUninterruptibly());
    }

    /** Drops one client's connection from the server's side (a TCP close, no close frame). */
    public void dropConnection(String clientId) {
        connections().stream().filter(c -> c.clientId().equals(clientId)).findFirst().orElseThrow()
                .channel().close().syncUninterruptibly();
    }

    /**
     * Sets the plan's connection limit: with 0, reconnects are refused (1013 "plan limit", which clients retry),
     * so a test can write rows while a client is certainly disconnected.
     */
    public void maxListeners(int max) {
        plan(Map.of("max_realtime_listeners", max));
    }

    public void plan(Map<String, Object> plan) {
        app.tools().ok("manage_app", args("action", "update", "app_id", app.appId, "plan", plan));
    }
}
