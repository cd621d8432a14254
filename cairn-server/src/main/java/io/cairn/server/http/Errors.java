package io.cairn.server.http;

import io.cairn.blockstore.BlockNotFoundException;
import io.cairn.blockstore.BlockTooLargeException;
import io.cairn.blockstore.HashMismatchException;
import io.cairn.blockstore.StorageException;
import io.cairn.blockstore.StorageFullException;
import io.cairn.blockstore.StoreClosedException;
import io.cairn.car.InvalidCarException;
import io.cairn.cid.InvalidCidException;
import io.cairn.ipld.MalformedBlockException;
import io.cairn.memory.MemoryPressureException;

import org.eclipse.jetty.http.BadMessageException;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * Maps every failure to one status code, so nothing surfaces as a bare 500 or a stack trace. The
 * mapping is by type: a client error is a type that says so (a bad CID, CAR, block, body, option);
 * anything else is a fault of the server, answered 500, logged once with the request id, which the
 * message names. Server-error messages never show absolute filesystem paths.
 */
final class Errors {
    private Errors() {
    }

    static HttpProblem toProblem(Throwable t, boolean write) {
        HttpProblem p = map(t, write);
        if (p.status() < 500) {
            return p;
        }
        RequestContext c = RequestContext.current();
        String message = ClientMessages.withoutPaths(p.getMessage());
        if (c != null) {
            message = message + " (request id " + c.id() + ")";
        }
        HttpProblem answered = new HttpProblem(p.status(), p.kuboCode(), message, p.retryAfter());
        if (c == null || c.claimLog()) {
            ServerErrorLog.mapped(c, answered, t);
        }
        return answered;
    }

    private static HttpProblem map(Throwable t, boolean write) {
        return switch (t) {
            case HttpProblem p -> p;
            case InvalidCidException e -> HttpProblem.badRequest(e.getMessage());
            case InvalidCarException e -> HttpProblem.badRequest("invalid CAR: " + e.getMessage());
            case MalformedBlockException e -> HttpProblem.badRequest(e.getMessage());
            case BlockNotFoundException e -> new HttpProblem(404, 0, e.getMessage());
            case BlockTooLargeException e -> new HttpProblem(413, 1, e.getMessage());
            case HashMismatchException e -> HttpProblem.badRequest(e.getMessage());
            case MemoryPressureException e -> new HttpProblem(503, 3,
                    (write ? "memory pressure refused the write: " : "memory pressure refused the request: ")
                            + e.getMessage(), e.retryAfter());
            case StoreClosedException e -> new HttpProblem(503, 0, "the store is closed (server shutting down): "
                    + e.getMessage(), Duration.ofSeconds(5));
            case StorageFullException e -> new HttpProblem(507, 3, "insufficient storage: " + e.getMessage(), e.retryAfter());
            case StorageException e -> new HttpProblem(500, 0, "storage failure: " + e.getMessage());
            case io.cairn.s3.S3UnavailableException e -> new HttpProblem(503, 0, (write ? "S3 unavailable, write refused: "
                    : "S3 unavailable: ") + e.getMessage(), e.retryAfter());
            case io.cairn.pin.SweepGuardUnavailableException e -> new HttpProblem(503, 0, (write
                    ? "write not acknowledged: " : "not acknowledged: ") + e.getMessage(), e.retryAfter());
            case io.cairn.pin.PinStoreException e -> new HttpProblem(500, 0, "pin store failure: " + e.getMessage());
            case MultipartException e -> HttpProblem.badRequest(e.getMessage());
            case BodyLimitInputStream.TooLargeException e -> new HttpProblem(413, 1, e.getMessage());
            case BodyLimitInputStream.TooSlowException e -> new HttpProblem(408, 1, e.getMessage());
            case BodyTimeoutException e -> new HttpProblem(408, 1, e.getMessage());
            case BadMessageException e when e.getCode() >= 400 && e.getCode() < 500 ->
                    new HttpProblem(e.getCode(), 1, "bad request: " + e.getReason());
            case java.io.EOFException e -> HttpProblem.badRequest("request body ended early: " + e.getMessage());
            case java.io.IOException e when e.getCause() instanceof TimeoutException ->
                    new HttpProblem(408, 1, "the request body stalled for longer than the idle timeout");
            default -> new HttpProblem(500, 2, "internal error: " + t.getClass().getSimpleName()
                    + (t.getMessage() == null ? "" : ": " + t.getMessage()));
        };
    }
}
