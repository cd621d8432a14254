package io.cairn.server.gateway;

import io.cairn.blockstore.Block;
import io.cairn.cid.Cid;

import java.util.List;

/**
 * A resolved content path.
 *
 * @param proof    the blocks that prove the path, in the order they were crossed (empty for a bare CID);
 *                 the terminal block is not among them
 * @param terminal the CID the path ends at
 * @param roots    the CID of each path segment's block, root first, terminal last (X-Ipfs-Roots)
 */
public record ResolvedPath(ContentPath path, List<Block> proof, Cid terminal, List<Cid> roots) {
    public ResolvedPath {
        proof = List.copyOf(proof);
        roots = List.copyOf(roots);
    }

    static ResolvedPath bare(ContentPath path) {
        return new ResolvedPath(path, List.of(), path.root(), List.of(path.root()));
    }
}
