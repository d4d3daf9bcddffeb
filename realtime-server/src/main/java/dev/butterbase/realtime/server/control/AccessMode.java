package dev.butterbase.realtime.server.control;

import java.util.Locale;

/** Whether an app accepts WebSocket clients without a token. */
public enum AccessMode {
    PUBLIC,
    AUTHENTICATED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException for anything but {@code public} or {@code authenticated} */
    public static AccessMode fromWire(String value) {
        for (AccessMode mode : values()) {
            if (mode.wireName().equals(value)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("access_mode must be \"public\" or \"authenticated\", got \"" + value + "\"");
    }
}
