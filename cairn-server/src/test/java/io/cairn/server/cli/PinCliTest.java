package io.cairn.server.cli;

import io.cairn.blockstore.Block;
import io.cairn.car.CarWriter;
import io.cairn.cid.Cid;
import io.cairn.cid.HashFunction;
import io.cairn.cid.Multicodec;
import io.cairn.ipld.DagCbor;
import io.cairn.server.ServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.cairn.server.cli.CliTest.cli;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code cairn pin add|rm|ls}, {@code cairn gc} and {@code cairn repo stat}, online and offline. */
class PinCliTest {
    @TempDir
    Path tmp;

    record Dag(Block root, Block mid, Block leaf) {
    }

    static Dag dag(String salt) {
        Block leaf = Block.raw(("leaf " + salt).getBytes());
        byte[] m = DagCbor.encode(Map.of("l", List.of(leaf.cid())));
        Block mid = Block.of(Cid.of(Multicodec.DAG_CBOR, HashFunction.SHA2_256, m), m);
        byte[] r = DagCbor.encode(Map.of("l", List.of(mid.cid()), "s", salt));
        Block root = Block.of(Cid.of(Multicodec.DAG_CBOR, HashFunction.SHA2_256, r), r);
        return new Dag(root, mid, leaf);
    }

    Path car(Dag d, String name) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CarWriter w = new CarWriter(out, List.of(d.root().cid()));
        for (Block b : List.of(d.root(), d.mid(), d.leaf())) {
            w.write(b.cid(), b.bytes());
        }
        w.flush();
        Path p = tmp.resolve(name);
        Files.write(p, out.toByteArray());
        return p;
    }

    /** The same sequence of commands, through {@code args} (either --api URL or --offline --data DIR). */
    void pinLifecycle(String... where) throws Exception {
        Dag kept = dag("kept");
        Dag dropped = dag("dropped");
        CliTest.Run imp = cli(concat(new String[] {"import", car(kept, "kept.car").toString(), "--no-progress"}, where));
        assertThat(imp.code()).as(imp.err()).isZero();
        imp = cli(concat(new String[] {"import", car(dropped, "dropped.car").toString(), "--no-progress", "--no-pin-roots"}, where));
        assertThat(imp.code()).as(imp.err()).isZero();

        CliTest.Run ls = cli(concat(new String[] {"pin", "ls", "--type", "recursive"}, where));
        assertThat(ls.code()).as(ls.err()).isZero();
        assertThat(ls.outText().strip()).isEqualTo(kept.root().cid() + " recursive");
        CliTest.Run all = cli(concat(new String[] {"pin", "ls"}, where));
        assertThat(all.outText()).contains(kept.leaf().cid() + " indirect");

        // a direct pin on one block of the dropped DAG
        CliTest.Run add = cli(concat(new String[] {"pin", "add", "--recursive=false", dropped.leaf().cid().toString()}, where));
        assertThat(add.code()).as(add.err()).isZero();
        assertThat(add.outText().strip()).isEqualTo("pinned " + dropped.leaf().cid() + " directly");

        CliTest.Run stat = cli(concat(new String[] {"repo", "stat"}, where));
        assertThat(stat.code()).as(stat.err()).isZero();
        assertThat(stat.outText()).contains("NumObjects: 6").contains("StorageMax: 18446744073709551615");

        CliTest.Run gc = cli(concat(new String[] {"gc"}, where));
        assertThat(gc.code()).as(gc.err()).isZero();
        assertThat(gc.outText().lines().filter(l -> l.startsWith("removed ")).count()).isEqualTo(2);
        assertThat(gc.err()).contains("removed 2 blocks");
        assertThat(cli(concat(new String[] {"repo", "stat"}, where)).outText()).contains("NumObjects: 4");

        CliTest.Run rmPinned = cli(concat(new String[] {"rm", kept.leaf().cid().toString()}, where));
        assertThat(rmPinned.code()).isEqualTo(1);
        assertThat(rmPinned.err()).contains("pinned via " + kept.root().cid());

        CliTest.Run bad = cli(concat(new String[] {"pin", "rm", kept.mid().cid().toString()}, where));
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err()).contains("not pinned or pinned indirectly");
        CliTest.Run rm = cli(concat(new String[] {"pin", "rm", kept.root().cid().toString()}, where));
        assertThat(rm.code()).as(rm.err()).isZero();
        assertThat(rm.outText().strip()).isEqualTo("unpinned " + kept.root().cid());
        assertThat(cli(concat(new String[] {"gc", "-q"}, where)).err()).contains("removed 3 blocks");
        assertThat(cli(concat(new String[] {"pin", "ls", "-q"}, where)).outText().strip())
                .isEqualTo(dropped.leaf().cid().toString());
    }

    @Test
    void online() throws Exception {
        try (ServerExtension ext = new ServerExtension()) {
            pinLifecycle("--api", ext.server.apiUri().toString());
        }
    }

    @Test
    void offline() throws Exception {
        pinLifecycle("--offline", "--data", tmp.resolve("data").toString());
    }

    static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
