package dev.butterbase.realtime.bench.verify;

import java.util.List;

/**
 * What the clients received, compared with what each may read.
 *
 * @param expected   deliveries the data and the policies call for
 * @param received   deliveries that arrived (duplicates included)
 * @param leaked     deliveries of a row to a client that may not read it
 * @param lost       rows a client may read that never reached it (by the end of the drain)
 * @param duplicates second and later deliveries of the same row to the same client
 * @param examples   a few offending clients, for the report
 */
public record Verdict(long expected, long received, long leaked, long lost, long duplicates, List<String> examples) {

    public boolean passed() {
        return leaked == 0 && lost == 0 && duplicates == 0;
    }
}
