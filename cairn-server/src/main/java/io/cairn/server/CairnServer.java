package io.cairn.server;

import io.cairn.memory.MemoryGovernor;
import io.cairn.server.http.AdminHandler;
import io.cairn.server.http.CairnErrorHandler;
import io.cairn.server.http.ConcurrencyLimitHandler;
import io.cairn.server.http.GatewayHandler;
import io.cairn.server.http.HeaderDeadline;
import io.cairn.server.http.NotFoundHandler;
import io.cairn.server.http.RequestIdHandler;
import io.cairn.server.http.RequestMetricsHandler;
import io.cairn.server.http.RpcHandler;
import io.cairn.server.ipns.DnsLink;
import io.cairn.server.ipns.Ipns;
import io.cairn.server.http.TokenAuthHandler;
import io.cairn.server.http.TransferCodingHandler;
import io.cairn.server.http.UploadGuardHandler;
import io.cairn.server.store.StoreStack;
import io.cairn.blockstore.Blockstore;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.VirtualThreads;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;

/**
 * {@code cairn serve}: two Jetty servers over one store, the read-only trustless gateway and the
 * Kubo RPC API with the admin endpoints. Requests run on virtual threads, since the store blocks on
 * disk I/O. {@link #close()} shuts down gracefully: the listeners stop accepting, requests in flight
 * get up to {@code shutdown-timeout} to finish, then the store and the governor are closed.
 *
 * <pre>{@code
 * try (CairnServer server = CairnServer.start(ServerConfig.defaults(dir).withPorts(0, 0))) {
 *     URI api = server.apiUri();   // http://127.0.0.1:<port>
 * }
 * }</pre>
 */
public final class CairnServer implements AutoCloseable {
    private final ServerConfig config;
    private final StoreStack stack;
    private final PrometheusMeterRegistry registry;
    private final Server gateway;
    private final Server api;
    private final List<AutoCloseable> binders = new ArrayList<>();
    private volatile boolean closed;

    private CairnServer(ServerConfig config, StoreStack stack, PrometheusMeterRegistry registry) {
        this.config = config;
        this.stack = stack;
        this.registry = registry;
        Blockstore store = stack.blockstore();
        MemoryGovernor governor = stack.governor();

        Ipns ipns = new Ipns(config.dataDir(), Clock.systemUTC(), new DnsLink(config.dnsResolver()));
        Handler gatewayChain = new TransferCodingHandler(
                new ConcurrencyLimitHandler(new GatewayHandler(store, config.effectiveGateway(), ipns, stack::openCached),
                        config.maxConcurrentRequests(), false, 0, 0), false);
        this.gateway = jetty("gateway", config.gatewayPort(), new RequestMetricsHandler(gatewayChain, registry, "gateway"), true);

        // Uploads and everything else have a pool each, so neither can take the other's slots.
        // Upload chunks' free mapped pages are counted too (held chunks by their reservations).
        binders.add(io.cairn.memory.offheap.NativeBuffers.uploads().registerWith(governor, "upload-buffers-spare"));
        Handler rpc = new ConcurrencyLimitHandler(new RpcHandler(store, governor, config, version(),
                stack.pinner(), stack.garbageCollector(), ipns),
                config.maxConcurrentRequests(), true, 0, 0, r -> !isUpload(r), "requests");
        rpc = new ConcurrencyLimitHandler(rpc, config.maxConcurrentUploads(), true,
                (long) config.maxBlockSize() + 64 * 1024, config.readTimeout().toMillis(), CairnServer::isUpload, "uploads");
        Handler apiChain = new Handler.Sequence(new AdminHandler(governor, registry, stack::describe), rpc, new NotFoundHandler());
        apiChain = new TransferCodingHandler(new UploadGuardHandler(apiChain, config.readTimeout(), config.minUploadRate(),
                config.uploadGrace(), RpcHandler.STREAMING_UPLOADS), true);
        if (config.token().isPresent()) {
            apiChain = new TokenAuthHandler(apiChain, config.apiToken());
        }
        this.api = jetty("api", config.apiPort(), new RequestMetricsHandler(apiChain, registry, "api"), false);
    }

    /** Opens the configured store and governor and starts both listeners. */
    public static CairnServer start(ServerConfig config) throws Exception {
        config = MemorySizing.fit(config);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        StoreStack stack;
        try {
            stack = StoreStack.open(config, registry);
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
        CairnServer server = new CairnServer(config, stack, registry);
        try {
            server.bindMetrics();
            server.gateway.start();
            server.api.start();
        } catch (Exception e) {
            server.close();
            throw e;
        }
        return server;
    }

    private void bindMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        binders.add(gc);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        MetricsBinding.bindGovernor(stack.governor(), registry, binders);
    }

    /** @param h2c also speak HTTP/2 over cleartext (prior knowledge or an Upgrade from HTTP/1.1) */
    private Server jetty(String name, int port, Handler handler, boolean h2c) {
        QueuedThreadPool pool = new QueuedThreadPool(64, 2);
        pool.setName("cairn-" + name);
        // Jetty dispatches blocking handlers to this executor: one cheap virtual thread per request.
        pool.setVirtualThreadsExecutor(VirtualThreads.getNamedVirtualThreadsExecutor("cairn-" + name + "-vt"));
        // Jetty's I/O buffers are pooled and kept; bounded explicitly so that the pool of a server that
        // has seen a flood does not quietly hold a share of the memory budget (the default bound is a
        // fraction of the whole heap). 64 KiB buffers at most, 4 MiB heap and 16 MiB direct retained.
        ArrayByteBufferPool buffers = new ArrayByteBufferPool(0, 4096, 64 * 1024, -1, 4L << 20, 16L << 20);
        Server server = new Server(pool, null, buffers);
        HttpConfiguration http = new HttpConfiguration();
        http.setRequestHeaderSize(config.maxHeaderSize());
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        // The gateway answers hot GETs on its selector threads (GatewayHandler), so it gets one per core
        // (at most 4) to serve from every core; the API hands every request to a virtual thread.
        int selectors = h2c ? Math.clamp(Runtime.getRuntime().availableProcessors(), 1, 4) : 1;
        ServerConnector connector = h2c
                ? new ServerConnector(server, 1, selectors, new HttpConnectionFactory(http), new HTTP2CServerConnectionFactory(http))
                : new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(config.bindAddress());
        connector.setPort(port);
        connector.setIdleTimeout(config.idleTimeout().toMillis());
        connector.setName(name);
        // Jetty's idle timeout restarts with every byte; this bounds the headers as a whole.
        connector.addBean(new HeaderDeadline(connector, config.headerTimeout()));
        server.addConnector(connector);
        // GracefulHandler counts requests in flight so that stop() waits for them (up to the stop timeout)
        // while new ones are refused. Outside it, every request gets an id and every 5xx a log line.
        server.setHandler(new RequestIdHandler(new GracefulHandler(handler)));
        server.setErrorHandler(new CairnErrorHandler());
        server.setStopTimeout(config.shutdownTimeout().toMillis());
        server.setStopAtShutdown(false);
        return server;
    }

    private static boolean isUpload(org.eclipse.jetty.server.Request request) {
        return RpcHandler.BLOCK_UPLOADS.contains(request.getHttpURI().getPath());
    }

    public ServerConfig config() {
        return config;
    }

    public int gatewayPort() {
        return ((ServerConnector) gateway.getConnectors()[0]).getLocalPort();
    }

    public int apiPort() {
        return ((ServerConnector) api.getConnectors()[0]).getLocalPort();
    }

    /** The gateway's ({@code "gateway"}) or the API's ({@code "api"}) connector, for tests that tune its sockets. */
    ServerConnector connector(String name) {
        return (ServerConnector) (name.equals("gateway") ? gateway : api).getConnectors()[0];
    }

    public URI gatewayUri() {
        return URI.create("http://" + hostForUri() + ":" + gatewayPort());
    }

    public URI apiUri() {
        return URI.create("http://" + hostForUri() + ":" + apiPort());
    }

    private String hostForUri() {
        String h = config.bindAddress();
        if (h.equals("0.0.0.0")) {
            return "127.0.0.1";
        }
        return h.contains(":") && !h.startsWith("[") ? "[" + h + "]" : h;
    }

    public Blockstore blockstore() {
        return stack.blockstore();
    }

    public MemoryGovernor governor() {
        return stack.governor();
    }

    /** The garbage collector over this node's store and pins (what {@code repo gc} runs). */
    public io.cairn.pin.GarbageCollector garbageCollector() {
        return stack.garbageCollector();
    }

    /** The disk governor; the garbage collector registers here to run at the GC watermark. */
    public io.cairn.blockstore.StorageGovernor storage() {
        return stack.storage();
    }

    /** The block cache's byte budget in force: {@code cache-size} (at most half the memory budget), or unset a quarter of it. */
    public long cacheBytes() {
        return stack.cacheBytes();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Blocks until both listeners have stopped. */
    public void join() throws InterruptedException {
        gateway.join();
        api.join();
    }

    /** Graceful: stop accepting, let requests in flight finish (bounded), then close store and governor. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        CompletableFuture<Void> g = CompletableFuture.runAsync(() -> stopQuietly(gateway));
        CompletableFuture<Void> a = CompletableFuture.runAsync(() -> stopQuietly(api));
        CompletableFuture.allOf(g, a).join();
        try {
            stack.close();
        } finally {
            for (AutoCloseable b : binders) {
                try {
                    b.close();
                } catch (Exception ignored) {
                    // metrics binders hold only JMX listeners; nothing to recover
                }
            }
            registry.close();
        }
    }

    private static void stopQuietly(Server server) {
        try {
            server.stop();
        } catch (Exception e) {
            // A timed-out graceful stop still stops; the store is closed after this either way.
        }
    }

    /** Cairn's version, from the build. */
    public static String version() {
        try (InputStream in = CairnServer.class.getResourceAsStream("/io/cairn/server/version.properties")) {
            if (in == null) {
                return "0.0.0-dev";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "0.0.0-dev");
        } catch (IOException e) {
            return "0.0.0-dev";
        }
    }
}
