package dev.butterbase.realtime.bench.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Compares, client by client, the rows received with the rows the client may read. The expected sets come from
 * the workload's own model of the data it wrote and of the policies it configured, never from the server, so a
 * server that leaks a row to the wrong user, loses one, or sends one twice fails the run.
 */
public final class DeliveryVerifier {

    private static final int MAX_EXAMPLES = 5;

    private DeliveryVerifier() {}

    /**
     * @param received the rows each client received, in any order
     * @param expected the rows each client may read, in any order
     * @param label    names a client in examples (its user)
     */
    public static Verdict verify(IntList[] received, IntList[] expected, IntFunction<String> label) {
        if (received.length != expected.length) {
            throw new IllegalArgumentException("received and expected cover different clients");
        }
        long expectedTotal = 0;
        long receivedTotal = 0;
        long leaked = 0;
        long lost = 0;
        long duplicates = 0;
        List<String> examples = new ArrayList<>();
        for (int client = 0; client < received.length; client++) {
            int[] got = received[client].sortedCopy();
            int[] want = expected[client].sortedCopy();
            receivedTotal += got.length;
            expectedTotal += want.length;
            long[] diff = compare(got, want);
            leaked += diff[0];
            lost += diff[1];
            duplicates += diff[2];
            if ((diff[0] > 0 || diff[1] > 0 || diff[2] > 0) && examples.size() < MAX_EXAMPLES) {
                examples.add("client " + client + " (" + label.apply(client) + "): " + diff[0] + " leaked, " + diff[1]
                        + " lost, " + diff[2] + " duplicate of " + want.length + " expected");
            }
        }
        return new Verdict(expectedTotal, receivedTotal, leaked, lost, duplicates, List.copyOf(examples));
    }

    /** Counts {leaked, lost, duplicates} between two sorted arrays; {@code want} has no duplicates. */
    static long[] compare(int[] got, int[] want) {
        long leaked = 0;
        long lost = 0;
        long duplicates = 0;
        int i = 0;
        int j = 0;
        while (i < got.length || j < want.length) {
            if (i > 0 && i < got.length && got[i] == got[i - 1]) {
                duplicates++;
                i++;
            } else if (j >= want.length || (i < got.length && got[i] < want[j])) {
                leaked++;
                i++;
            } else if (i >= got.length || got[i] > want[j]) {
                lost++;
                j++;
            } else {
                i++;
                j++;
            }
        }
        return new long[] {leaked, lost, duplicates};
    }
}
