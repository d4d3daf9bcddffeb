package dev.butterbase.realtime.bench.scenario;

import dev.butterbase.realtime.bench.target.BenchApp;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.function.IntConsumer;

/**
 * {@code notifications(user_id, …)} with user isolation ({@code manage_rls create_user_isolation}): N users, one
 * client each; each row belongs to one user, spread evenly, and reaches that user only.
 */
final class NotificationsWorkload implements ChangeWorkload {

    private final int clients;
    private final long seed;
    private final String body;

    NotificationsWorkload(int clients, long seed, int payloadBytes) {
        this.clients = clients;
        this.seed = seed;
        this.body = "n".repeat(payloadBytes);
    }

    @Override
    public String table() {
        return "notifications";
    }

    @Override
    public void setUp(BenchApp app) {
        app.sql("CREATE TABLE notifications (id bigint PRIMARY KEY, user_id text NOT NULL, body text NOT NULL, "
                + "sent_at_micros bigint NOT NULL)");
        app.userIsolation("notifications", "user_id");
        app.enableRealtime("notifications");
    }

    @Override
    public String userOf(int client) {
        return "u" + client;
    }

    @Override
    public String subscribeMessage(int client) {
        return "{\"type\":\"subscribe\",\"table\":\"notifications\"}";
    }

    private int owner(int row) {
        return Spread.pick(seed, row, 1, clients);
    }

    @Override
    public String insertSql() {
        return "INSERT INTO notifications (id, user_id, body, sent_at_micros) VALUES (?, ?, ?, ?)";
    }

    @Override
    public void bind(PreparedStatement ps, int row, long sentAtMicros) throws SQLException {
        ps.setLong(1, row);
        ps.setString(2, userOf(owner(row)));
        ps.setString(3, body);
        ps.setLong(4, sentAtMicros);
    }

    @Override
    public void forEachRecipient(int row, IntConsumer client) {
        client.accept(owner(row));
    }

    @Override
    public int recipientCount(int row) {
        return 1;
    }

    @Override
    public boolean mayRead(int client, int row) {
        return owner(row) == client;
    }
}
