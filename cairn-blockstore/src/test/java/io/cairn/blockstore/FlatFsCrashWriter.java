package io.cairn.blockstore;

import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Child-JVM side of {@link FlatFsCrashTest}: streams puts into a flatfs store from four threads until
 * it is killed, printing {@code PUT <cid>} after each put has returned.
 *
 * <p>Arguments: repository root, random seed, sync (true/false).
 */
public final class FlatFsCrashWriter {
    private FlatFsCrashWriter() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        long seed = Long.parseLong(args[1]);
        boolean sync = Boolean.parseBoolean(args[2]);
        FlatFsBlockstore store = FlatFsBlockstore.open(root, FlatFsOptions.builder().sync(sync).build());
        System.out.println("OPEN");
        System.out.flush();
        // One random buffer, stamped with a counter per block: cheap to produce, so the writers spend
        // their time in put and a kill is likely to land on a write in flight.
        byte[] noise = new byte[2_000_000];
        new SplittableRandom(seed).nextBytes(noise);
        java.util.concurrent.atomic.AtomicLong counter = new java.util.concurrent.atomic.AtomicLong(seed << 32);
        Thread[] writers = new Thread[4];
        for (int t = 0; t < writers.length; t++) {
            SplittableRandom rnd = new SplittableRandom(seed + t);
            writers[t] = new Thread(() -> {
                while (true) {
                    // mostly mid-sized blocks, some near the limit
                    int size = rnd.nextInt(4) == 0 ? 1_500_000 + rnd.nextInt(500_000) : 8 + rnd.nextInt(300_000);
                    byte[] data = java.util.Arrays.copyOf(noise, size);
                    long n = counter.incrementAndGet();
                    for (int j = 0; j < 8; j++) {
                        data[j] = (byte) (n >>> (8 * j));
                    }
                    Block b = Block.raw(data);
                    store.put(b);
                    synchronized (System.out) {
                        System.out.println("PUT " + b.cid());
                        System.out.flush();
                    }
                }
            }, "writer-" + t);
            writers[t].start();
        }
        for (Thread w : writers) {
            w.join();
        }
    }
}
