package io.cairn.server.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Times every request as {@code cairn.http.requests} (Prometheus: {@code cairn_http_requests_seconds},
 * with {@code _bucket} series at fixed latency bounds for quantiles across nodes) tagged by listener,
 * method, route and status. Routes are endpoint names, never the raw path: {@code /ipfs/{cid}}, the
 * admin endpoints, and an {@code /api/v0/} command once it has answered a request successfully (a
 * made-up command never does), at most {@value #MAX_COMMAND_ROUTES} of them, so a flood of distinct
 * CIDs or made-up commands cannot blow up the number of time series.
 */
public final class RequestMetricsHandler extends Handler.Wrapper {
    private static final Set<String> ADMIN_ROUTES = Set.of("/metrics", "/health", "/debug/memory");
    /** Latency bounds of the histogram: 1 ms to 30 s, enough for a P95 per route without many series. */
    private static final Duration[] BUCKETS = Stream.of(1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000)
            .map(Duration::ofMillis).toArray(Duration[]::new);
    /** Longest command name kept as a route; anything longer is "other". */
    private static final int MAX_COMMAND_LENGTH = 40;
    static final int MAX_COMMAND_ROUTES = 128;

    /** API commands that have answered with a 2xx or 3xx; only these become routes. */
    private final Set<String> commandRoutes = ConcurrentHashMap.newKeySet();

    private final MeterRegistry registry;
    private final String listener;
    private final ConcurrentHashMap<Key, Timer> timers = new ConcurrentHashMap<>();

    public RequestMetricsHandler(Handler next, MeterRegistry registry, String listener) {
        super(next);
        this.registry = registry;
        this.listener = listener;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        long start = System.nanoTime();
        String path = request.getHttpURI().getPath();
        String method = request.getMethod();
        Callback timed = new Callback.Nested(callback) {
            @Override
            public void succeeded() {
                record(start, method, route(path, response.getStatus()), response.getStatus(), "ok");
                super.succeeded();
            }

            @Override
            public void failed(Throwable x) {
                record(start, method, route(path, response.getStatus()), response.getStatus(), "aborted");
                super.failed(x);
            }
        };
        return super.handle(request, response, timed);
    }

    void record(long start, String method, String route, int status, String outcome) {
        timer(new Key(method.length() > 10 ? "other" : method, route, status, outcome))
                .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /**
     * The timer of one series, registered once and then looked up: building and registering it per
     * request made the metrics a tenth of a hot GET's allocation (tag arrays, builders).
     */
    private Timer timer(Key key) {
        Timer t = timers.get(key);
        if (t == null) {
            t = timers.computeIfAbsent(key, k -> Timer.builder("cairn.http.requests")
                    .description("HTTP requests served, by listener, route and status")
                    .tag("listener", listener)
                    .tag("method", k.method())
                    .tag("route", k.route())
                    .tag("status", Integer.toString(k.status()))
                    .tag("outcome", k.outcome())
                    .serviceLevelObjectives(BUCKETS)
                    .register(registry));
        }
        return t;
    }

    /** One time series; methods are bounded by length, routes by {@link #route}, statuses by HTTP. */
    private record Key(String method, String route, int status, String outcome) {
    }

    String route(String path, int status) {
        if (path == null) {
            return "other";
        }
        if (path.startsWith("/ipfs/")) {
            return "/ipfs/{cid}";
        }
        if (ADMIN_ROUTES.contains(path)) {
            return path;
        }
        if (!path.startsWith(RpcHandler.PREFIX) || !isCommandName(path.substring(RpcHandler.PREFIX.length()))) {
            return "other";
        }
        if (commandRoutes.contains(path)) {
            return path;
        }
        if (status >= 200 && status < 400 && commandRoutes.size() < MAX_COMMAND_ROUTES) {
            commandRoutes.add(path);
            return path;
        }
        return "other";
    }

    /** Lower-case words joined by '/' or '-', like {@code block/put} or {@code repo/gc}. */
    private static boolean isCommandName(String command) {
        if (command.isEmpty() || command.length() > MAX_COMMAND_LENGTH) {
            return false;
        }
        for (int i = 0; i < command.length(); i++) {
            char c = command.charAt(i);
            if (!(c >= 'a' && c <= 'z') && c != '/' && c != '-') {
                return false;
            }
        }
        return true;
    }
}
