package io.cairn.blockstore;

import io.cairn.cid.Cid;
import io.cairn.memory.GovernorConfig;
import io.cairn.memory.JvmMemoryGovernor;
import io.cairn.memory.MemoryGovernor;
import io.cairn.memory.MemoryPressureException;
import io.cairn.memory.PressureLevel;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Child-JVM program for {@link MemoryAwareFloodTest}: several writers flood a flatfs store with
 * blocks, each holding a window of blocks "in flight" the way a server holds request bodies.
 *
 * <p>{@code baseline}: the store sits behind a plain unbounded map cache and nothing watches memory.
 * {@code governed}: the memory-aware stack over the same store; writers reserve a block's bytes before
 * allocating it (as the server does for request bodies) and the store reserves again while writing.
 *
 * <p>Prints {@code RESULT key=value ...} on the last line. Run with
 * {@code -XX:+ExitOnOutOfMemoryError}: the first OutOfMemoryError ends it with exit code 3.
 */
public final class FloodChild {
    static final int BLOCK = 128 * 1024;
    static final int WRITERS = 4;
    /**
     * Uploads each writer holds in flight. 4 x 256 x 128 KiB is the whole 128 MiB heap, so the
     * governed run cannot take them all: refusals follow from the arithmetic, not from how fast the
     * collector happens to run.
     */
    static final int WINDOW = 256;
    /** How many times a writer sends one block before giving it up. */
    static final int ATTEMPTS = 200;

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        Path dir = Path.of(args[1]);
        int blocksPerWriter = Integer.parseInt(args[2]);
        FlatFsOptions fs = FlatFsOptions.builder().sync(false).build();
        if (mode.equals("baseline")) {
            baseline(dir, fs, blocksPerWriter);
        } else {
            governed(dir, fs, blocksPerWriter);
        }
    }

    static byte[] content(int writer, int seq) {
        byte[] data = new byte[BLOCK];
        new SplittableRandom(((long) writer << 32) | seq).nextBytes(data);
        return data;
    }

    private static void baseline(Path dir, FlatFsOptions fs, int blocksPerWriter) throws Exception {
        Map<Cid, byte[]> unboundedCache = new ConcurrentHashMap<>();
        AtomicLong acked = new AtomicLong();
        try (Blockstore store = Blockstores.flatFs(dir, fs)) {
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                writers.add(Thread.ofPlatform().start(() -> {
                    for (int seq = 0; seq < blocksPerWriter; seq++) {
                        Block b = Block.raw(content(writer, seq));
                        store.put(b);
                        unboundedCache.put(b.cid(), b.bytes());
                        acked.incrementAndGet();
                    }
                }));
            }
            for (Thread t : writers) {
                t.join();
            }
        }
        System.out.println("RESULT acked=" + acked.get() + " cached=" + unboundedCache.size());
    }

    private static void governed(Path dir, FlatFsOptions fs, int blocksPerWriter) throws Exception {
        long heapMax = Runtime.getRuntime().maxMemory();
        MemoryAwareConfig config = MemoryAwareConfig.builder()
                .caching(CachingBlockstore.Options.defaults().withContentCacheBytes(heapMax / 4).withCacheOnPut(true))
                .build();
        AtomicLong refused = new AtomicLong();
        AtomicLong givenUp = new AtomicLong();
        List<List<Integer>> ackedSeqs = new ArrayList<>();
        List<PressureLevel> levelsSeen = java.util.Collections.synchronizedList(new ArrayList<>());
        try (JvmMemoryGovernor governor = JvmMemoryGovernor.start(GovernorConfig.defaults());
             MemoryAwareBlockstore store = MemoryAwareBlockstore.stack(Blockstores.flatFs(dir, fs), governor, config)) {
            governor.addListener((prev, cur, s) -> levelsSeen.add(cur));
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                List<Integer> acked = new ArrayList<>();
                ackedSeqs.add(acked);
                writers.add(Thread.ofPlatform().start(() -> {
                    try {
                        writeAsRetryingClient(governor, store, writer, blocksPerWriter, acked, refused, givenUp);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            for (Thread t : writers) {
                t.join();
            }
            PressureLevel peak = levelsSeen.stream().max(Enum::compareTo).orElse(PressureLevel.NONE);

            // The flood is over: the level must come back to 0 by itself.
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (governor.level() != PressureLevel.NONE && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            PressureLevel afterFlood = governor.level();

            long verified = 0;
            long wrong = 0;
            for (int w = 0; w < WRITERS; w++) {
                for (int seq : ackedSeqs.get(w)) {
                    byte[] expected = content(w, seq);
                    Block b = Block.raw(expected);
                    byte[] actual = store.get(b.cid()).bytes();
                    if (java.util.Arrays.equals(expected, actual)) {
                        verified++;
                    } else {
                        wrong++;
                    }
                }
            }
            long acked = ackedSeqs.stream().mapToLong(List::size).sum();
            System.out.println("RESULT acked=" + acked + " refused=" + refused.get()
                    + " givenUp=" + givenUp.get() + " storeRefused=" + store.rejectedOps() + " verified=" + verified + " wrong=" + wrong
                    + " peak=" + peak.severity() + " levelAfterFlood=" + afterFlood.severity());
        }
    }

    /**
     * One writer behaving like an HTTP client of the server: it keeps up to {@link #WINDOW} uploads
     * in flight, each holding a reservation for its body. A refusal (of the reservation, or of the
     * write by the store) drops the body, as a 503 does; the client keeps its own copy, waits the
     * hinted retry-after (capped, so the test stays short) and sends it again, up to
     * {@link #ATTEMPTS} times.
     */
    private static void writeAsRetryingClient(MemoryGovernor governor, Blockstore store, int writer,
                                              int blocksPerWriter, List<Integer> acked, AtomicLong refused,
                                              AtomicLong givenUp) throws InterruptedException {
        ArrayDeque<Integer> pending = new ArrayDeque<>();
        for (int seq = 0; seq < blocksPerWriter; seq++) {
            pending.add(seq);
        }
        int[] attempts = new int[blocksPerWriter];
        ArrayDeque<Upload> inFlight = new ArrayDeque<>();
        while (!pending.isEmpty() || !inFlight.isEmpty()) {
            MemoryPressureException refusal = null;
            if (!pending.isEmpty() && inFlight.size() < WINDOW) {
                int seq = pending.poll();
                try {
                    MemoryGovernor.Reservation r = governor.tryReserve(BLOCK);
                    inFlight.add(new Upload(seq, Block.raw(content(writer, seq)), r));
                    continue;
                } catch (MemoryPressureException e) {
                    refusal = e;
                    retryLater(seq, attempts, pending, givenUp);
                }
            }
            // The window is full, a reservation was refused, or there is nothing left to send:
            // finish the oldest upload in progress.
            Upload next = inFlight.poll();
            if (next != null) {
                int seq = next.seq();
                try (MemoryGovernor.Reservation r = next.reservation()) {
                    MemoryAwareBlockstore.writeReserved(r.bytes(), () -> store.put(next.block()));
                    acked.add(seq);
                } catch (MemoryPressureException e) {
                    refusal = e;
                    retryLater(seq, attempts, pending, givenUp);
                }
            }
            if (refusal != null) {
                refused.incrementAndGet();
                Thread.sleep(Math.clamp(refusal.retryAfter().toMillis(), 1, 20));
            }
        }
    }

    /** An upload in progress: its body, and the reservation held for it until it is stored. */
    private record Upload(int seq, Block block, MemoryGovernor.Reservation reservation) {
    }

    private static void retryLater(int seq, int[] attempts, ArrayDeque<Integer> pending, AtomicLong givenUp) {
        if (++attempts[seq] < ATTEMPTS) {
            pending.add(seq);
        } else {
            givenUp.incrementAndGet();
        }
    }
}
