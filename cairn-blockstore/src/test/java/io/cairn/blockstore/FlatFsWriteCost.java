package io.cairn.blockstore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import io.cairn.cid.HashFunction;

/**
 * Measures what the flatfs durability setting and re-hashing on read cost on this machine. Not a
 * unit test (no assertions on speed); the numbers back the defaults documented in
 * {@link FlatFsOptions}. Run from the module directory after {@code mvn test-compile}:
 * <pre>
 * java -cp target/classes:target/test-classes io.cairn.blockstore.FlatFsWriteCost [dir] [blocks]
 * </pre>
 */
public final class FlatFsWriteCost {
    private FlatFsWriteCost() {
    }

    public static void main(String[] args) throws Exception {
        Path base = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("flatfs-cost");
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        for (int size : new int[] {4 * 1024, 256 * 1024}) {
            List<Block> blocks = blocks(n, size);
            for (boolean sync : new boolean[] {false, true, false, true}) {
                Path dir = Files.createTempDirectory(base, "run");
                try (FlatFsBlockstore store = FlatFsBlockstore.open(dir, FlatFsOptions.builder().sync(sync).build())) {
                    long t0 = System.nanoTime();
                    for (Block b : blocks) {
                        store.put(b);
                    }
                    double s = (System.nanoTime() - t0) / 1e9;
                    System.out.printf("put   %4d KiB sync=%-5s %7.0f blocks/s %8.1f MB/s%n", size / 1024, sync, n / s,
                            n * (double) size / s / 1e6);
                    t0 = System.nanoTime();
                    long total = 0;
                    for (Block b : blocks) {
                        total += store.get(b.cid()).size();
                    }
                    s = (System.nanoTime() - t0) / 1e9;
                    System.out.printf("get   %4d KiB             %7.0f blocks/s %8.1f MB/s%n", size / 1024, n / s, total / s / 1e6);
                }
            }
            long t0 = System.nanoTime();
            long hashed = 0;
            for (int r = 0; r < 3; r++) {
                for (Block b : blocks) {
                    HashFunction.SHA2_256.digest(b.bytes());
                    hashed += b.size();
                }
            }
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf("sha2-256 %4d KiB blocks: %.0f MB/s on one core%n", size / 1024, hashed / s / 1e6);
        }
    }

    private static List<Block> blocks(int n, int size) {
        SplittableRandom rnd = new SplittableRandom(1);
        List<Block> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] d = new byte[size];
            rnd.nextBytes(d);
            out.add(Block.raw(d));
        }
        return out;
    }
}
