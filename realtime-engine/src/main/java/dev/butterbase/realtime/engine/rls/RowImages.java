package dev.butterbase.realtime.engine.rls;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.butterbase.realtime.engine.capture.Change;
import java.util.List;

/** The visibility images of a burst of changes, each parsed from JSON at most once, on first use. Not thread-safe. */
public final class RowImages {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<Change> changes;
    private final JsonNode[] parsed;
    private final boolean[] done;

    public RowImages(List<Change> changes) {
        this.changes = changes;
        this.parsed = new JsonNode[changes.size()];
        this.done = new boolean[changes.size()];
    }

    /** The parsed image of change {@code i}, or null when it has none or it is not valid JSON. */
    public JsonNode get(int i) {
        if (!done[i]) {
            done[i] = true;
            String json = changes.get(i).visibilityImage();
            try {
                parsed[i] = json == null ? null : JSON.readTree(json);
            } catch (JsonProcessingException e) {
                parsed[i] = null;
            }
        }
        return parsed[i];
    }

    public int size() {
        return changes.size();
    }
}
