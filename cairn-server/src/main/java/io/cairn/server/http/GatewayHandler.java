package io.cairn.server.http;

import io.cairn.blockstore.Blockstore;
import io.cairn.server.gateway.BlockstoreBackend;
import io.cairn.server.gateway.Gateway;
import io.cairn.server.gateway.GatewayConfig;
import io.cairn.server.gateway.NameResolver;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The gateway listener's router: OPTIONS to the CORS preflight, everything else to the
 * {@link Gateway} (package {@code io.cairn.server.gateway}), which does the work. Nothing here
 * writes to the store.
 */
public final class GatewayHandler extends Handler.Abstract {
    static final String RAW = Gateway.RAW;
    static final String CAR = Gateway.CAR;

    private final Gateway gateway;

    /** A strict trustless gateway over {@code store} (raw and CAR only), CORS open. */
    public GatewayHandler(Blockstore store) {
        this(store, GatewayConfig.trustlessOnly());
    }

    public GatewayHandler(Blockstore store, GatewayConfig config) {
        this(store, config, NameResolver.NONE);
    }

    /** Also serving {@code /ipns/} through {@code names}. */
    public GatewayHandler(Blockstore store, GatewayConfig config, NameResolver names) {
        this.gateway = new Gateway(new BlockstoreBackend(store), config, names);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        if ("OPTIONS".equals(request.getMethod())) {
            gateway.preflight(request, response, callback);
        } else {
            gateway.handle(request, response, callback);
        }
        return true;
    }
}
