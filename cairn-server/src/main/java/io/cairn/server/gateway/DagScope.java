package io.cairn.server.gateway;

import java.util.Locale;

/** The {@code dag-scope} of a CAR request: which blocks below the path's end are sent. */
public enum DagScope {
    /** The block at the end of the path only. */
    BLOCK,
    /** What it takes to read that entity: a whole UnixFS file, a directory's own blocks; else the block. */
    ENTITY,
    /** The whole DAG below the end of the path. */
    ALL;

    static DagScope parse(String value) {
        if (value == null || value.isBlank()) {
            return ALL;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "block" -> BLOCK;
            case "entity" -> ENTITY;
            case "all" -> ALL;
            default -> throw GatewayException.badRequest("dag-scope must be block, entity or all, got '" + value + "'");
        };
    }

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
