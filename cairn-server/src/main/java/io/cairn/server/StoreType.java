package io.cairn.server;

import java.util.Locale;

/** The base store under the server's cache layers: setting {@code store = flatfs | s3 | memory}. */
public enum StoreType {
    /** Kubo's flatfs layout in {@code DATA/blocks} (the default). */
    FLATFS,
    /** An S3-compatible bucket (cairn-s3), configured by the {@code s3-*} settings. */
    S3,
    /** The heap only: nothing survives a restart. For tests and experiments. */
    MEMORY;

    public static StoreType parse(String text) {
        for (StoreType t : values()) {
            if (t.name().equalsIgnoreCase(text.strip())) {
                return t;
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a store type (flatfs, s3 or memory)");
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
