package io.cairn.server.http;

import io.cairn.blockstore.BlockBytes;
import io.cairn.blockstore.Blockstore;
import io.cairn.blockstore.CachingBlockstore;
import io.cairn.cid.Cid;
import io.cairn.server.gateway.BlockstoreBackend;
import io.cairn.server.gateway.Gateway;
import io.cairn.server.gateway.GatewayConfig;
import io.cairn.server.gateway.NameResolver;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.VirtualThreads;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

/**
 * The gateway listener's router: OPTIONS to the CORS preflight, everything else to the
 * {@link Gateway} (package {@code io.cairn.server.gateway}), which does the work. Nothing here
 * writes to the store.
 *
 * <p><b>Threads.</b> The handler declares itself non-blocking, so Jetty calls it on the I/O
 * (selector) thread that parsed the request. A hot raw GET of a small cached block is answered
 * there ({@link Gateway#tryServeInline}); every other request, which may read the disk or wait for a
 * slow client, is handed to a virtual thread at once, as Jetty would have done for a blocking handler.
 */
public final class GatewayHandler extends Handler.Abstract {
    static final String RAW = Gateway.RAW;
    static final String CAR = Gateway.CAR;

    private final Gateway gateway;
    private volatile Executor blocking;

    /** A strict trustless gateway over {@code store} (raw and CAR only), CORS open. */
    public GatewayHandler(Blockstore store) {
        this(store, GatewayConfig.trustlessOnly());
    }

    public GatewayHandler(Blockstore store, GatewayConfig config) {
        this(store, config, NameResolver.NONE);
    }

    /** Also serving {@code /ipns/} through {@code names}. */
    public GatewayHandler(Blockstore store, GatewayConfig config, NameResolver names) {
        this(store, config, names, residency(store));
    }

    private static Function<Cid, BlockBytes> residency(Blockstore store) {
        if (store instanceof CachingBlockstore caching) {
            return cid -> caching.contentCached(cid) ? caching.open(cid) : null;
        }
        return cid -> null;
    }

    /**
     * @param resident lends a block the content cache holds now, pinned until closed and counted as a
     *                 read, else null (for a stack whose caching layer is below other layers)
     */
    public GatewayHandler(Blockstore store, GatewayConfig config, NameResolver names, Function<Cid, BlockBytes> resident) {
        super(InvocationType.NON_BLOCKING);
        this.gateway = new Gateway(new BlockstoreBackend(store, resident), config, names);
    }

    @Override
    protected void doStart() throws Exception {
        Executor pool = getServer().getThreadPool();
        Executor virtual = VirtualThreads.getVirtualThreadsExecutor(pool);
        blocking = virtual != null ? virtual : pool;
        super.doStart();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        if (!"OPTIONS".equals(request.getMethod()) && gateway.tryServeInline(request, response, callback)) {
            return true;
        }
        try {
            blocking.execute(() -> {
                if ("OPTIONS".equals(request.getMethod())) {
                    gateway.preflight(request, response, callback);
                } else {
                    gateway.handle(request, response, callback);
                }
            });
        } catch (RejectedExecutionException e) {
            callback.failed(e); // stopping: Jetty answers or closes the connection
        }
        return true;
    }
}
