package io.cairn.server.http;

import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.thread.Scheduler;

import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * A deadline on request headers, which Jetty 12 lacks: its idle timeout restarts with every byte, so
 * a client sending one header byte a second holds a connection forever. A sweep every
 * {@code timeout / 5} (at most a second) looks at each connection of the connector; one whose
 * parser has been inside the same request's line and headers (started, not finished) for longer
 * than {@code timeout} is answered {@code 408} and closed. A connection that sends nothing at all is
 * the idle timeout's business.
 *
 * <p>Added to the connector as a bean, so it starts and stops with it. The clock is injectable.
 */
public final class HeaderDeadline extends AbstractLifeCycle implements Runnable {
    private static final byte[] TIMEOUT_RESPONSE = ("HTTP/1.1 408 Request Timeout\r\nContent-Type: text/plain\r\n"
            + "Content-Length: 47\r\nConnection: close\r\n\r\nrequest headers took too long to arrive (408)\r\n")
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final ServerConnector connector;
    private final long timeoutNanos;
    private final long periodMillis;
    private final LongSupplier nanoClock;
    /** Connections seen receiving headers: the request number then, and since when. Sweep thread only. */
    private Map<EndPoint, long[]> receiving = new IdentityHashMap<>();
    private volatile Scheduler.Task next;
    private volatile long closed;

    public HeaderDeadline(ServerConnector connector, Duration timeout) {
        this(connector, timeout, System::nanoTime);
    }

    HeaderDeadline(ServerConnector connector, Duration timeout, LongSupplier nanoClock) {
        this.connector = connector;
        this.timeoutNanos = timeout.toNanos();
        this.periodMillis = Math.clamp(timeout.toMillis() / 5, 10, 1000);
        this.nanoClock = nanoClock;
    }

    /** Connections closed for slow headers since start. */
    public long closedConnections() {
        return closed;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        schedule();
    }

    @Override
    protected void doStop() throws Exception {
        Scheduler.Task t = next;
        if (t != null) {
            t.cancel();
        }
        super.doStop();
    }

    private void schedule() {
        if (isRunning() || isStarting()) {
            next = connector.getScheduler().schedule(this, periodMillis, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void run() {
        try {
            sweep();
        } finally {
            schedule();
        }
    }

    void sweep() {
        long now = nanoClock.getAsLong();
        Map<EndPoint, long[]> still = new IdentityHashMap<>();
        for (EndPoint ep : connector.getConnectedEndPoints()) {
            if (!(ep.getConnection() instanceof HttpConnection http)) {
                continue;
            }
            HttpParser parser = http.getParser();
            if (!parser.inHeaderState() || parser.isStart()) {
                continue;
            }
            long request = http.getMessagesIn();
            long[] seen = receiving.get(ep);
            if (seen == null || seen[0] != request) {
                seen = new long[] {request, now};
            }
            if (now - seen[1] > timeoutNanos) {
                closed++;
                TimeoutException why = new TimeoutException("request headers took longer than "
                        + timeoutNanos / 1_000_000 + " ms to arrive");
                try {
                    // 140 bytes: the socket buffer takes them at once; the connection closes once written.
                    ep.write(Callback.from(() -> ep.close(why), x -> ep.close(why)), BufferUtil.toBuffer(TIMEOUT_RESPONSE));
                } catch (RuntimeException e) {
                    ep.close(why);
                }
                continue;
            }
            still.put(ep, seen);
        }
        receiving = still;
    }
}
