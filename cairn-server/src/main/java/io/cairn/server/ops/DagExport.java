package io.cairn.server.ops;

import io.cairn.blockstore.Block;
import io.cairn.blockstore.BlockNotFoundException;
import io.cairn.blockstore.Blockstore;
import io.cairn.car.CarWriter;
import io.cairn.cid.Cid;
import io.cairn.ipld.Links;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Writes a CARv1 of the blocks reachable from a root through dag-pb and dag-cbor links, depth-first
 * in link order (the order Kubo's {@code dag export} produces), each block once. Blocks that are not
 * stored locally are skipped together with everything below them: this is a local store with no
 * network to fetch from, and the caller asked for what is here.
 */
public final class DagExport {
    private DagExport() {
    }

    /** What was written. */
    public record Result(long blocks, long bytes, long missing) {
    }

    /**
     * Fetches the root first, so a missing root fails with {@link BlockNotFoundException} before a
     * single byte is written and the caller can still answer 404.
     */
    public static Block root(Blockstore store, Cid root) {
        return store.get(root);
    }

    public static Result write(Blockstore store, Block root, OutputStream out) throws IOException {
        return write(store, root, out, false);
    }

    /**
     * @param dups true to emit a block again each time the walk reaches it (CAR {@code dups=y});
     *             false to emit each block once
     */
    public static Result write(Blockstore store, Block root, OutputStream out, boolean dups) throws IOException {
        CarWriter car = new CarWriter(out, List.of(root.cid()));
        // Compared by CID, not by store key: a block stored once but linked under two codecs is
        // emitted under both, because a CAR reader resolves links by CID.
        Set<Cid> seen = new HashSet<>();
        Deque<Iterator<Cid>> stack = new ArrayDeque<>();
        long blocks = 0;
        long bytes = 0;
        long missing = 0;
        seen.add(root.cid());
        car.write(root.cid(), root.bytes());
        blocks++;
        bytes += root.size();
        stack.push(Links.of(root.cid(), root.bytes()).iterator());
        while (!stack.isEmpty()) {
            Iterator<Cid> it = stack.peek();
            if (!it.hasNext()) {
                stack.pop();
                continue;
            }
            Cid child = it.next();
            if (!seen.add(child) && !dups) {
                continue;
            }
            Block b;
            try {
                b = store.get(child);
            } catch (BlockNotFoundException e) {
                missing++;
                continue;
            }
            car.write(b.cid(), b.bytes());
            blocks++;
            bytes += b.size();
            if (Links.understands(child.codec())) {
                stack.push(Links.of(b.cid(), b.bytes()).iterator());
            }
        }
        out.flush();
        return new Result(blocks, bytes, missing);
    }
}
