package io.cairn.examples;

import io.cairn.blockstore.Block;
import io.cairn.blockstore.Blockstore;
import io.cairn.blockstore.Blockstores;
import io.cairn.blockstore.FlatFsOptions;
import io.cairn.cid.Cid;
import io.cairn.cid.HashFunction;
import io.cairn.cid.Multicodec;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Example 1: store and read blocks in a Kubo-compatible flatfs directory. */
public final class BasicUsageExample {

    /** Stores one block under {@code repo} and reads it back; returns its CID. */
    public static Cid run(Path repo, PrintStream out) {
        try (Blockstore store = Blockstores.flatFs(repo, FlatFsOptions.defaults())) {
            byte[] data = "Hello Mars!\n".getBytes(StandardCharsets.UTF_8);

            // The CID is computed from the bytes: raw codec, sha2-256, CIDv1 (Kubo's `ipfs block put` default).
            Cid cid = Cid.of(Multicodec.RAW, HashFunction.SHA2_256, data);
            store.put(Block.of(cid, data));
            out.println("stored " + cid + " (" + store.getSize(cid) + " bytes)");

            // Blocks are keyed by multihash: the same bytes are found under a CIDv0 (dag-pb) too.
            Cid v0 = Cid.v0(cid.multihash());
            out.println("has " + v0 + ": " + store.has(v0));

            Block back = store.get(cid);
            out.println("read back: " + new String(back.bytes(), StandardCharsets.UTF_8).strip());
            return cid;
        }
    }

    public static void main(String[] args) {
        run(Path.of(args.length > 0 ? args[0] : "example-repo"), System.out);
    }
}
