package dev.butterbase.realtime.bench.scenario;

import dev.butterbase.realtime.bench.load.RowWriter;
import dev.butterbase.realtime.bench.target.BenchApp;
import java.util.function.IntConsumer;

/**
 * A table-change scenario: the table, its policies, which client is which user, the rows written, and, from the
 * workload's own model of that data and those policies, which clients may read each row. The model never asks
 * the server: it is what the verifier holds the server to.
 */
public interface ChangeWorkload extends RowWriter {

    String table();

    /** Creates tables, data the policies read, and policies, through the tool API, and enables realtime. */
    void setUp(BenchApp app);

    /** The JWT {@code sub} of client {@code client}. */
    String userOf(int client);

    /** The {@code subscribe} message of client {@code client}. */
    String subscribeMessage(int client);

    /** Calls {@code client} for every client that may read row {@code row}. */
    void forEachRecipient(int row, IntConsumer client);

    int recipientCount(int row);

    /** Whether client {@code client} may read row {@code row} (the same model, one pair). */
    boolean mayRead(int client, int row);
}
