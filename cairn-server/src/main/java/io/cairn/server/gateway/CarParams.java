package io.cairn.server.gateway;

/**
 * How a CAR response is framed: {@code version=1} (the only one served), the block {@code order}
 * ({@code dfs}; a client asking {@code unk} accepts it) and whether duplicates are sent.
 */
public record CarParams(String order, boolean dups) {
    String contentType() {
        return Gateway.CAR + "; version=1; order=" + order + "; dups=" + (dups ? "y" : "n");
    }
}
