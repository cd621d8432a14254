package io.cairn.bench.jmh;

import io.cairn.blockstore.Block;
import io.cairn.blockstore.Blockstore;
import io.cairn.blockstore.FlatFsBlockstore;
import io.cairn.blockstore.FlatFsOptions;
import io.cairn.blockstore.IntegrityBlockstore;
import io.cairn.blockstore.Viewer;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * The integrity check's cost in CPU time rather than wall time, for a machine too loaded for
 * {@link IntegrityBench}'s wall-clock figures to mean much: the same flatfs reads (from the page
 * cache) with and without the {@link IntegrityBlockstore}, in alternating batches on one thread,
 * timed with the thread's own CPU clock, which other processes' load barely touches. Prints the
 * median CPU microseconds per read of each variant over the batches, and the difference.
 *
 * <pre>java -cp "cairn-bench/target/classes:cairn-bench/target/lib/*" io.cairn.bench.jmh.IntegrityCpuCost [rounds]</pre>
 */
public final class IntegrityCpuCost {
    private IntegrityCpuCost() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 21;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        System.out.println("block  op    unchecked_us  checked_us  check_us  (median CPU time per read over " + rounds + " batches)");
        for (int size : new int[] {4096, 262144}) {
            Path dir = Files.createTempDirectory("cairn-integrity-cpu-");
            int pool = Math.max(64, (int) Math.min(4096, (64L << 20) / size));
            Block[] blocks = StoreFixtures.randomBlocks(pool, size, 42);
            try (FlatFsBlockstore base = FlatFsBlockstore.open(dir, FlatFsOptions.builder().sync(false).build())) {
                for (Block b : blocks) {
                    base.put(b);
                }
                Blockstore checked = IntegrityBlockstore.over(base);
                int batch = size == 4096 ? 4096 : 256;
                for (String op : new String[] {"get", "view"}) {
                    double[] off = new double[rounds];
                    double[] on = new double[rounds];
                    for (int w = 0; w < 3; w++) { // warm-up
                        run(base, op, blocks, batch, mx);
                        run(checked, op, blocks, batch, mx);
                    }
                    for (int r = 0; r < rounds; r++) {
                        if (r % 2 == 0) {
                            off[r] = run(base, op, blocks, batch, mx);
                            on[r] = run(checked, op, blocks, batch, mx);
                        } else {
                            on[r] = run(checked, op, blocks, batch, mx);
                            off[r] = run(base, op, blocks, batch, mx);
                        }
                    }
                    double mOff = median(off);
                    double mOn = median(on);
                    System.out.println(String.format(Locale.ROOT, "%-6s %-5s %12.2f %11.2f %9.2f", size == 4096 ? "4KiB" : "256KiB",
                            op, mOff, mOn, mOn - mOff));
                }
            } finally {
                StoreFixtures.deleteRecursively(dir);
            }
        }
    }

    /** CPU microseconds per read over one batch. */
    private static double run(Blockstore store, String op, Block[] blocks, int batch, ThreadMXBean mx) {
        long sink = 0;
        long start = mx.getCurrentThreadCpuTime();
        for (int i = 0; i < batch; i++) {
            Block b = blocks[i % blocks.length];
            sink += op.equals("get") ? store.get(b.cid()).size() : ((Viewer) store).view(b.cid(), ByteBuffer::remaining);
        }
        long ns = mx.getCurrentThreadCpuTime() - start;
        if (sink == 42) {
            System.out.print("");
        }
        return ns / 1000.0 / batch;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
