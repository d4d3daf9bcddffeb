package dev.butterbase.realtime.bench.scenario;

import dev.butterbase.realtime.bench.target.BenchApp;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.function.IntConsumer;

/**
 * The spec's live chat (§7): {@code messages(id, room_id, user_id, body, created_at)} with user isolation on
 * {@code user_id} plus {@code room_id IN (SELECT room_id FROM members WHERE user_id = current_user_id())}. Client
 * {@code i} is user {@code u<i>}, member of room {@code r<i / K>} only; each message is posted by a member of a
 * room (rooms spread evenly) and reaches the room's K members. With the room filter on (the spec's pattern),
 * clients subscribe with {@code filter {room_id}}.
 */
final class ChatWorkload implements ChangeWorkload {

    private final int clients;
    private final int roomSize;
    private final int rooms;
    private final long seed;
    private final boolean roomFilter;
    private final String body;

    ChatWorkload(int clients, int roomSize, long seed, boolean roomFilter, int payloadBytes) {
        this.clients = clients;
        this.roomSize = roomSize;
        this.rooms = (clients + roomSize - 1) / roomSize;
        this.seed = seed;
        this.roomFilter = roomFilter;
        this.body = "c".repeat(payloadBytes);
    }

    int rooms() {
        return rooms;
    }

    @Override
    public String table() {
        return "messages";
    }

    @Override
    public void setUp(BenchApp app) {
        app.sql("CREATE TABLE members (room_id text NOT NULL, user_id text NOT NULL, PRIMARY KEY (room_id, user_id));\n"
                + "CREATE INDEX members_user ON members (user_id);\n"
                + "CREATE TABLE messages (id bigint PRIMARY KEY, room_id text NOT NULL, user_id text NOT NULL, body text, "
                + "sent_at_micros bigint NOT NULL, created_at timestamptz NOT NULL DEFAULT now());\n"
                + "INSERT INTO members (room_id, user_id) SELECT 'r' || (g / " + roomSize + "), 'u' || g "
                + "FROM generate_series(0, " + (clients - 1) + ") AS g;\n"
                + "ANALYZE members;");
        app.userIsolation("messages", "user_id");
        app.selectPolicy("messages", "room_members_read",
                "room_id IN (SELECT room_id FROM members WHERE user_id = current_user_id())", true);
        app.enableRealtime("messages");
    }

    @Override
    public String userOf(int client) {
        return "u" + client;
    }

    int roomOf(int client) {
        return client / roomSize;
    }

    @Override
    public String subscribeMessage(int client) {
        return roomFilter
                ? "{\"type\":\"subscribe\",\"table\":\"messages\",\"filter\":{\"room_id\":\"r" + roomOf(client) + "\"}}"
                : "{\"type\":\"subscribe\",\"table\":\"messages\"}";
    }

    private int roomOfRow(int row) {
        return Spread.pick(seed, row, 2, rooms);
    }

    private int membersOf(int room) {
        return Math.min(roomSize, clients - room * roomSize);
    }

    @Override
    public String insertSql() {
        return "INSERT INTO messages (id, room_id, user_id, body, sent_at_micros) VALUES (?, ?, ?, ?, ?)";
    }

    @Override
    public void bind(PreparedStatement ps, int row, long sentAtMicros) throws SQLException {
        int room = roomOfRow(row);
        int author = room * roomSize + Spread.pick(seed, row, 3, membersOf(room));
        ps.setLong(1, row);
        ps.setString(2, "r" + room);
        ps.setString(3, userOf(author));
        ps.setString(4, body);
        ps.setLong(5, sentAtMicros);
    }

    @Override
    public void forEachRecipient(int row, IntConsumer client) {
        int room = roomOfRow(row);
        int first = room * roomSize;
        for (int c = first; c < first + membersOf(room); c++) {
            client.accept(c);
        }
    }

    @Override
    public int recipientCount(int row) {
        return membersOf(roomOfRow(row));
    }

    @Override
    public boolean mayRead(int client, int row) {
        return roomOf(client) == roomOfRow(row);
    }
}
