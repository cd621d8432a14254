package io.cairn.server.http;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.util.concurrent.Semaphore;
import java.util.function.Predicate;

/**
 * Sheds load instead of queueing it: beyond {@code max} requests in service at once the next one is
 * answered 429 with Retry-After at once. Queueing would hold the request's connection and buffers
 * while it waits, which is exactly the memory a pressed server cannot spare. (Jetty's QoSHandler
 * queues, so it is not used here.)
 */
public final class ConcurrencyLimitHandler extends Handler.Wrapper {
    private final Semaphore permits;
    private final boolean kuboErrors;
    private final long drainLimit;
    private final long drainTimeoutMillis;
    private final Predicate<Request> counted;
    private final String what;

    /**
     * @param drainLimit uploads up to this size are read and discarded before the 429, so the client
     *                   sees the answer (see {@link Http#drain}); 0 for a read-only listener
     */
    public ConcurrencyLimitHandler(Handler next, int max, boolean kuboErrors, long drainLimit, long drainTimeoutMillis) {
        this(next, max, kuboErrors, drainLimit, drainTimeoutMillis, r -> true, "requests");
    }

    /**
     * A pool for only the requests {@code counted} accepts (the others pass by untouched), so that
     * two pools side by side keep one kind of request from starving the other: uploads that trickle
     * in cannot take the slots reads need, nor reads the slots of uploads.
     *
     * @param what the kind of request counted, for the 429 message ("uploads", "requests")
     */
    public ConcurrencyLimitHandler(Handler next, int max, boolean kuboErrors, long drainLimit, long drainTimeoutMillis,
                                   Predicate<Request> counted, String what) {
        super(next);
        this.counted = counted;
        this.what = what;
        this.permits = new Semaphore(max);
        this.kuboErrors = kuboErrors;
        this.drainLimit = drainLimit;
        this.drainTimeoutMillis = drainTimeoutMillis;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (!counted.test(request)) {
            return super.handle(request, response, callback);
        }
        if (!permits.tryAcquire()) {
            HttpProblem p = new HttpProblem(429, 3, "too many concurrent " + what + "; retry shortly",
                    java.time.Duration.ofSeconds(1));
            try {
                if (drainLimit > 0 && request.getLength() != 0) {
                    Http.drain(request, drainLimit, drainTimeoutMillis);
                }
                if (kuboErrors) {
                    Http.sendKuboError(response, p);
                    callback.succeeded();
                } else {
                    // the gateway listener's handlers run on the I/O thread: answer without waiting for the client
                    response.getHeaders().put(HttpHeader.RETRY_AFTER, p.retryAfterSeconds());
                    Http.sendTextAsync(response, 429, p.getMessage(), "HEAD".equals(request.getMethod()), callback);
                }
            } catch (Throwable t) {
                callback.failed(t);
            }
            return true;
        }
        Callback release = Callback.from(callback, (Runnable) permits::release);
        boolean handled;
        try {
            handled = super.handle(request, response, release);
        } catch (Throwable t) {
            permits.release();
            throw t;
        }
        if (!handled) {
            permits.release();
        }
        return handled;
    }

    public int available() {
        return permits.availablePermits();
    }
}
