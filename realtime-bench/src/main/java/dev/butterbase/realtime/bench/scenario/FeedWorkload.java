package dev.butterbase.realtime.bench.scenario;

import dev.butterbase.realtime.bench.target.BenchApp;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.function.IntConsumer;

/** An activity feed every authenticated user may read: no RLS, so each row reaches all N clients. */
final class FeedWorkload implements ChangeWorkload {

    private final int clients;
    private final String body;

    FeedWorkload(int clients, int payloadBytes) {
        this.clients = clients;
        this.body = "f".repeat(payloadBytes);
    }

    @Override
    public String table() {
        return "feed";
    }

    @Override
    public void setUp(BenchApp app) {
        app.sql("CREATE TABLE feed (id bigint PRIMARY KEY, body text NOT NULL, sent_at_micros bigint NOT NULL)");
        app.enableRealtime("feed");
    }

    @Override
    public String userOf(int client) {
        return "u" + client;
    }

    @Override
    public String subscribeMessage(int client) {
        return "{\"type\":\"subscribe\",\"table\":\"feed\"}";
    }

    @Override
    public String insertSql() {
        return "INSERT INTO feed (id, body, sent_at_micros) VALUES (?, ?, ?)";
    }

    @Override
    public void bind(PreparedStatement ps, int row, long sentAtMicros) throws SQLException {
        ps.setLong(1, row);
        ps.setString(2, body);
        ps.setLong(3, sentAtMicros);
    }

    @Override
    public void forEachRecipient(int row, IntConsumer client) {
        for (int c = 0; c < clients; c++) {
            client.accept(c);
        }
    }

    @Override
    public int recipientCount(int row) {
        return clients;
    }

    @Override
    public boolean mayRead(int client, int row) {
        return true;
    }
}
