package io.cairn.server.http;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place a server-side failure is logged: each line names the request id the client was
 * sent, the method, the path and the status. A 500 is logged with its stack trace (a fault to
 * investigate); a 503 (memory pressure, shutting down) with its reason only.
 */
final class ServerErrorLog {
    private static final Logger LOG = LoggerFactory.getLogger("io.cairn.server.errors");

    private ServerErrorLog() {
    }

    /** A handler mapped {@code cause} to {@code problem}, a 5xx, and answered it. */
    static void mapped(RequestContext c, HttpProblem problem, Throwable cause) {
        if (problem.status() == 500) {
            LOG.error("request {}: {} {} answered {}: {}", id(c), method(c), path(c), problem.status(),
                    problem.getMessage(), cause);
        } else {
            LOG.warn("request {}: {} {} answered {}: {}", id(c), method(c), path(c), problem.status(), problem.getMessage());
        }
    }

    /** A 5xx answer none of Cairn's error paths produced (Jetty's own, or a handler's plain 5xx). */
    static void answered(RequestContext c, int status) {
        LOG.warn("request {}: {} {} answered {}", id(c), method(c), path(c), status);
    }

    /**
     * The request's callback failed. Before the response started, Jetty answers 500: an error. After
     * it started, the status already sent stands and the connection is aborted: a client that went
     * away (an I/O failure) is routine and logged at DEBUG, anything else at WARN.
     */
    static void failed(RequestContext c, boolean committed, Throwable x) {
        if (!committed) {
            LOG.error("request {}: {} {} failed (answered 500): {}", id(c), method(c), path(c), String.valueOf(x), x);
        } else if (x instanceof java.io.IOException) {
            LOG.debug("request {}: {} {} aborted mid-response: {}", id(c), method(c), path(c), String.valueOf(x));
        } else {
            LOG.warn("request {}: {} {} failed after the response started (connection aborted): {}", id(c), method(c),
                    path(c), String.valueOf(x), x);
        }
    }

    private static String id(RequestContext c) {
        return c == null ? "-" : c.id();
    }

    private static String method(RequestContext c) {
        return c == null ? "-" : c.method();
    }

    private static String path(RequestContext c) {
        if (c == null || c.path() == null) {
            return "-";
        }
        return c.path().length() > 200 ? c.path().substring(0, 200) + "..." : c.path();
    }
}
