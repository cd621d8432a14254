package io.cairn.server.http;

import io.cairn.blockstore.Blockstore;
import io.cairn.server.gateway.BlockstoreBackend;
import io.cairn.server.gateway.ContentPath;
import io.cairn.server.gateway.GatewayException;
import io.cairn.server.gateway.ResolvedPath;

/** IPFS paths given to RPC commands ({@code CID/a/b} or {@code /ipfs/CID/a/b}), resolved as the gateway resolves them. */
final class RpcPaths {
    private RpcPaths() {
    }

    static ResolvedPath resolve(Blockstore store, String arg) {
        String a = arg.trim();
        String path = a.startsWith("/ipfs/") ? a : "/ipfs/" + (a.startsWith("/") ? a.substring(1) : a);
        try {
            return new BlockstoreBackend(store).resolve(ContentPath.parse(path));
        } catch (GatewayException e) {
            throw asProblem(e);
        }
    }

    /** A gateway error as the Kubo-style error the RPC API answers with. */
    static HttpProblem asProblem(GatewayException e) {
        int status = e.kind().status();
        return new HttpProblem(status, status < 500 ? 1 : 2, e.getMessage());
    }
}
