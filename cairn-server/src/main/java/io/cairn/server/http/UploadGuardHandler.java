package io.cairn.server.http;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * Bounds how a request body may arrive, whatever reads it: within {@code read-timeout} of the
 * request's start, and — once the client has had {@code upload-grace} of waiting — at no less than
 * {@code min-upload-rate} bytes per second on average. Either failure is a {@link BodyTimeoutException}
 * (408) out of the next read, and a read already blocked waiting for bytes is woken at the deadline,
 * so a trickling client is cut off within the limit rather than at its next byte.
 *
 * <p>A streaming upload (a path the wiring names as streaming, such as {@code /api/v0/add}, whose
 * body is a file of any size) has no total deadline: instead every {@link #STREAMING_STEP} of it must arrive within {@code read-timeout}, so a
 * 2 GiB add at an ordinary speed is not cut off at 30 s while a stalled one still is.
 *
 * <p>The rate counts only time spent waiting for the client (a demand pending), not time the server
 * spends storing what it already has, so a slow disk never makes a fast client look slow.
 * The clock is injectable; timers run on the connector's scheduler.
 */
public final class UploadGuardHandler extends Handler.Wrapper {
    /** How much of a streaming upload must arrive within each {@code read-timeout}. */
    static final long STREAMING_STEP = 1024 * 1024;

    private final long timeoutNanos;
    private final long minRate;
    private final long graceNanos;
    private final LongSupplier nanoClock;
    /** The paths whose bodies stream without a total deadline. */
    private final Set<String> streamingPaths;

    /**
     * @param streamingPaths paths (in context) whose bodies stream: each {@link #STREAMING_STEP} of them
     *        must arrive within {@code readTimeout}, instead of the whole body
     */
    public UploadGuardHandler(Handler next, Duration readTimeout, long minBytesPerSecond, Duration grace,
            Set<String> streamingPaths) {
        this(next, readTimeout, minBytesPerSecond, grace, streamingPaths, System::nanoTime);
    }

    UploadGuardHandler(Handler next, Duration readTimeout, long minBytesPerSecond, Duration grace,
            Set<String> streamingPaths, LongSupplier nanoClock) {
        super(next);
        this.streamingPaths = Set.copyOf(streamingPaths);
        this.timeoutNanos = readTimeout.toNanos();
        this.minRate = minBytesPerSecond;
        this.graceNanos = grace.toNanos();
        this.nanoClock = nanoClock;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (request.getLength() == 0 || (request.getLength() < 0 && !request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING))) {
            return super.handle(request, response, callback);
        }
        Guarded guarded = new Guarded(request, response, streamingPaths.contains(Request.getPathInContext(request)));
        guarded.start();
        Callback done = Callback.from(callback, guarded::stop);
        boolean handled;
        try {
            handled = super.handle(guarded, response, done);
        } catch (Throwable t) {
            guarded.stop();
            throw t;
        }
        if (!handled) {
            guarded.stop();
        }
        return handled;
    }

    /** The request as the handlers see it: reads fail once the body is too late or too slow. */
    private final class Guarded extends Request.Wrapper {
        private final Response response;
        private final AtomicReference<Runnable> pending = new AtomicReference<>();
        private volatile BodyTimeoutException failure;
        private volatile long bytes;
        /** Time spent waiting for the client so far, and when the current wait began (0: not waiting). */
        private volatile long waitedNanos;
        private volatile long waitingSince;
        private volatile Scheduler.Task deadline;
        private volatile Scheduler.Task rateCheck;
        private volatile boolean stopped;
        private final boolean streaming;
        /** For a streaming upload: the byte count at which the deadline moves on by another read-timeout. */
        private long nextStep = STREAMING_STEP;

        Guarded(Request request, Response response, boolean streaming) {
            super(request);
            this.response = response;
            this.streaming = streaming;
        }

        void start() {
            armDeadline();
            if (minRate > 0) {
                scheduleRateCheck();
            }
        }

        private void armDeadline() {
            String what = streaming ? "the next " + (STREAMING_STEP >> 20) + " MiB of the request body took longer than the "
                    : "request body took longer than the ";
            deadline = getComponents().getScheduler().schedule(() -> fail(new BodyTimeoutException(what
                    + millis(timeoutNanos) + " read timeout to arrive (" + bytes + " bytes received)")),
                    timeoutNanos, TimeUnit.NANOSECONDS);
        }

        private void scheduleRateCheck() {
            if (!stopped && failure == null) {
                rateCheck = getComponents().getScheduler().schedule(() -> {
                    checkRate();
                    scheduleRateCheck();
                }, Math.clamp(graceNanos / 4, 50_000_000L, 1_000_000_000L), TimeUnit.NANOSECONDS);
            }
        }

        void stop() {
            stopped = true;
            Scheduler.Task t = deadline;
            if (t != null) {
                t.cancel();
            }
            Scheduler.Task r = rateCheck;
            if (r != null) {
                r.cancel();
            }
        }

        private long waited(long now) {
            long since = waitingSince;
            return waitedNanos + (since == 0 ? 0 : now - since);
        }

        private void checkRate() {
            long waited = waited(nanoClock.getAsLong());
            if (waited <= graceNanos) {
                return;
            }
            long rate = bytes * 1_000_000_000L / Math.max(1, waited);
            if (rate < minRate) {
                fail(new BodyTimeoutException("request body arrived at " + rate + " bytes/s, below the "
                        + minRate + " bytes/s minimum upload rate (" + bytes + " bytes in "
                        + millis(waited) + " of waiting)"));
            }
        }

        private void fail(BodyTimeoutException e) {
            if (stopped || failure != null) {
                return;
            }
            failure = e;
            Runnable r = pending.getAndSet(null);
            if (r != null) {
                r.run();
            }
        }

        @Override
        public Content.Chunk read() {
            BodyTimeoutException f = failure;
            if (f != null) {
                return failed(f);
            }
            Content.Chunk chunk = super.read();
            if (chunk != null && !Content.Chunk.isFailure(chunk)) {
                bytes += chunk.remaining();
                if (streaming && bytes >= nextStep && !stopped) {
                    nextStep = bytes + STREAMING_STEP;
                    Scheduler.Task old = deadline;
                    if (old != null) {
                        old.cancel();
                    }
                    armDeadline();
                }
            }
            return chunk;
        }

        private Content.Chunk failed(BodyTimeoutException f) {
            if (!response.isCommitted()) {
                // The rest of the body is never read, so the connection cannot carry another request.
                response.getHeaders().put(HttpHeader.CONNECTION, "close");
            }
            return Content.Chunk.from(f, true);
        }

        @Override
        public void demand(Runnable demandCallback) {
            if (failure != null) {
                demandCallback.run();
                return;
            }
            pending.set(demandCallback);
            waitingSince = Math.max(1, nanoClock.getAsLong());
            super.demand(() -> {
                if (pending.compareAndSet(demandCallback, null)) {
                    long since = waitingSince;
                    if (since != 0) {
                        waitedNanos += nanoClock.getAsLong() - since;
                        waitingSince = 0;
                    }
                    demandCallback.run();
                }
            });
        }

        private static String millis(long nanos) {
            long ms = nanos / 1_000_000;
            return ms % 1000 == 0 ? (ms / 1000) + " s" : ms + " ms";
        }
    }
}
