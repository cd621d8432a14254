package io.cairn.server.http;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the error path knows about the request being served: its id (sent back as
 * {@value #HEADER}), method and path, and whether its server error has been logged yet. Bound as a
 * {@link ScopedValue} by {@link RequestIdHandler} for the thread that runs the handlers, so
 * {@link Errors} can name the request without every handler passing it along.
 */
record RequestContext(String id, String method, String path, AtomicBoolean logged) {
    /** The response header carrying the request id. */
    static final String HEADER = "X-Request-Id";

    static final ScopedValue<RequestContext> CURRENT = ScopedValue.newInstance();

    /** The request being served on this thread, or null outside a request. */
    static RequestContext current() {
        return CURRENT.isBound() ? CURRENT.get() : null;
    }

    /** True the first time it is called for this request: the caller logs, later callers do not. */
    boolean claimLog() {
        return logged.compareAndSet(false, true);
    }
}
