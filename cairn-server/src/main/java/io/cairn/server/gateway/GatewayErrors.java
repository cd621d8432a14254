package io.cairn.server.gateway;

import io.cairn.blockstore.BlockNotFoundException;
import io.cairn.blockstore.StorageException;
import io.cairn.blockstore.StoreClosedException;
import io.cairn.cid.InvalidCidException;
import io.cairn.ipld.MalformedBlockException;
import io.cairn.memory.MemoryPressureException;
import io.cairn.unixfs.UnixFsTar;

import java.time.Duration;

/**
 * Maps every failure of a gateway request to its status, in one place. Only typed errors become
 * 4xx: a {@link GatewayException}, a CID that does not parse, a block that is not stored. Anything
 * unexpected — an {@code IllegalArgumentException} from a bug included — is a 500, so internal
 * faults never pass for client errors.
 */
final class GatewayErrors {
    private GatewayErrors() {
    }

    /** The status, message and, for retryable refusals, the wait to advertise. */
    record Problem(int status, String message, Duration retryAfter) {
    }

    static Problem of(Throwable t) {
        return switch (t) {
            case GatewayException e -> new Problem(e.kind().status(), e.getMessage(), null);
            case InvalidCidException e -> new Problem(400, "invalid CID: " + e.getMessage(), null);
            case BlockNotFoundException e -> new Problem(404, e.getMessage(), null);
            case MalformedBlockException e -> new Problem(502, "a stored block does not decode: " + e.getMessage(), null);
            case UnixFsTar.UnsafeEntryException e -> new Problem(502, "unsafe UnixFS entry name: " + e.getMessage(), null);
            case MemoryPressureException e -> new Problem(503, "memory pressure refused the request: " + e.getMessage(),
                    e.retryAfter());
            case StoreClosedException e -> new Problem(503, "the store is closed (server shutting down): " + e.getMessage(),
                    Duration.ofSeconds(5));
            case StorageException e -> new Problem(500, "storage failure: " + e.getMessage(), null);
            default -> new Problem(500, "internal error: " + t, null);
        };
    }
}
