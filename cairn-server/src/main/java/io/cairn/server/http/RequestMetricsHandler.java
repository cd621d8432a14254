package io.cairn.server.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.util.Set;

/**
 * Times every request as {@code cairn.http.requests} (Prometheus: {@code cairn_http_requests_seconds})
 * tagged by listener, method, route and status. Routes are the fixed endpoint names, never the raw
 * path, so a flood of distinct CIDs cannot blow up the number of time series.
 */
public final class RequestMetricsHandler extends Handler.Wrapper {
    private static final Set<String> API_ROUTES = Set.of("/api/v0/block/put", "/api/v0/block/get", "/api/v0/block/stat",
            "/api/v0/block/rm", "/api/v0/version", "/api/v0/dag/import", "/api/v0/dag/export", "/metrics", "/health",
            "/debug/memory");

    private final MeterRegistry registry;
    private final String listener;

    public RequestMetricsHandler(Handler next, MeterRegistry registry, String listener) {
        super(next);
        this.registry = registry;
        this.listener = listener;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        long start = System.nanoTime();
        String route = route(request.getHttpURI().getPath());
        String method = request.getMethod();
        Callback timed = new Callback.Nested(callback) {
            @Override
            public void succeeded() {
                record(start, method, route, response.getStatus(), "ok");
                super.succeeded();
            }

            @Override
            public void failed(Throwable x) {
                record(start, method, route, response.getStatus(), "aborted");
                super.failed(x);
            }
        };
        return super.handle(request, response, timed);
    }

    private void record(long start, String method, String route, int status, String outcome) {
        Timer.builder("cairn.http.requests")
                .description("HTTP requests served, by listener, route and status")
                .tag("listener", listener)
                .tag("method", method.length() > 10 ? "other" : method)
                .tag("route", route)
                .tag("status", Integer.toString(status))
                .tag("outcome", outcome)
                .register(registry)
                .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    private static String route(String path) {
        if (path == null) {
            return "other";
        }
        if (path.startsWith("/ipfs/")) {
            return "/ipfs/{cid}";
        }
        return API_ROUTES.contains(path) ? path : "other";
    }
}
