package io.cairn.server.http;

import io.cairn.memory.MemoryGovernor;
import io.cairn.memory.MemoryStats;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Operator endpoints on the API port: {@code /metrics} (Prometheus text), {@code /health} and
 * {@code /debug/memory} (the governor's MemoryStats as JSON).
 */
public final class AdminHandler extends Handler.Abstract {
    private final MemoryGovernor governor;
    private final PrometheusMeterRegistry registry;
    private final Supplier<Map<String, Object>> storeState;

    /**
     * @param storeState the store's description for /health; must contain "state" ("open" or "closed")
     */
    public AdminHandler(MemoryGovernor governor, PrometheusMeterRegistry registry, Supplier<Map<String, Object>> storeState) {
        this.governor = governor;
        this.registry = registry;
        this.storeState = storeState;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = request.getHttpURI().getPath();
        if (!"/metrics".equals(path) && !"/health".equals(path) && !"/debug/memory".equals(path)) {
            return false;
        }
        boolean head = "HEAD".equals(request.getMethod());
        try {
            if (!"GET".equals(request.getMethod()) && !head) {
                response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
                Http.sendText(response, 405, path + " answers GET and HEAD only", false);
            } else {
                switch (path) {
                    case "/metrics" -> Http.send(response, 200, "text/plain; version=0.0.4; charset=utf-8",
                            registry.scrape().getBytes(StandardCharsets.UTF_8), head);
                    case "/health" -> health(response, head);
                    default -> Http.send(response, 200, "application/json",
                            Http.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(governor.stats()), head);
                }
            }
            callback.succeeded();
        } catch (Throwable t) {
            if (response.isCommitted()) {
                callback.failed(t);
                return true;
            }
            try {
                HttpProblem p = Errors.toProblem(t, false);
                Http.sendText(response, p.status(), p.getMessage(), false);
                callback.succeeded();
            } catch (Throwable e) {
                callback.failed(e);
            }
        }
        return true;
    }

    private void health(Response response, boolean head) throws Exception {
        MemoryStats stats = governor.stats();
        // /health is open to unauthenticated probes: it names no filesystem path.
        Map<String, Object> store = new LinkedHashMap<>(storeState.get());
        store.remove("path");
        boolean open = "open".equals(store.get("state"));
        int level = governor.level().severity();
        Map<String, Object> body = new LinkedHashMap<>();
        // "ok" while full service; "degraded" while shedding cache work; "refusing-writes" at level 4.
        // "degraded" too while the store's backend is failing (S3's circuit breaker open): cached reads only.
        boolean storeDegraded = Boolean.TRUE.equals(store.get("degraded"));
        String status = !open ? "unavailable" : level >= 4 ? "refusing-writes"
                : level >= 2 || storeDegraded ? "degraded" : "ok";
        // Out of disk (storage-max or ENOSPC): writes answer 507 until space comes back.
        String storageReason = store.get("storage") instanceof Map<?, ?> disk && "full".equals(disk.get("state"))
                ? String.valueOf(disk.get("reason")) : null;
        if (storageReason != null && status.equals("ok")) {
            status = "degraded";
        }
        body.put("status", status);
        if (storageReason != null) {
            body.put("reason", storageReason);
        }
        body.put("degradationLevel", level);
        body.put("pressure", governor.level().name());
        body.put("usedBytes", stats.usedBytes());
        body.put("budgetBytes", stats.budgetBytes());
        body.put("reservedBytes", governor.reservedBytes());
        if (governor instanceof io.cairn.memory.JvmMemoryGovernor jvm) {
            body.put("gcRequestsStarted", jvm.gcRequestsStarted());
        }
        body.put("store", store);
        Http.send(response, open ? 200 : 503, "application/json", Http.JSON.writeValueAsBytes(body), head);
    }
}
