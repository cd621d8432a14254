package io.cairn.blockstore;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.cache.GovernanceConfig;
import io.cairn.cid.Cid;
import io.cairn.memory.ManualMemoryGovernor;
import io.cairn.memory.PressureLevel;
import io.cairn.memory.offheap.AllocatorConfig;
import io.cairn.memory.offheap.NativeBuffers;
import io.cairn.memory.offheap.SegmentChain;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The off-heap stress test of {@link OffHeapCacheStressTest}, one level up and over the new paths,
 * everything in poison mode: writers put blocks read into native memory (freed and poisoned right
 * after each put, so upload memory is reused all the time) and delete them again; readers read
 * through a caching store over flatfs with get, view and open (misses coalesced, read through
 * flatfs's views, lent from the cache), some holding their lease across other operations; a
 * trimmer cycles the governor's levels. Every byte a reader is lent is hashed against its CID
 * while it is held. At the end no native memory is allocated, upload's or cache's.
 */
class NativePathsStressTest {
    private static final int READERS = 4;
    private static final int WRITERS = 2;
    private static final int OPS_PER_READER = 1_500;
    private static final int LEVEL_CHANGES = 24;

    @Test
    void everyByteServedMatchesItsCidOverNativeUploadsAndReads(@TempDir Path dir) throws Exception {
        SplittableRandom seed = new SplittableRandom(43);
        int blocks = 240;
        byte[][] data = new byte[blocks][];
        Cid[] cids = new Cid[blocks];
        for (int i = 0; i < blocks; i++) {
            int size = switch (i % 5) {
                case 0 -> 1 + seed.nextInt(300);
                case 1 -> 300 + seed.nextInt(8000);
                case 2 -> 4096 + seed.nextInt(60_000);
                case 3 -> 65_536 + seed.nextInt(70_000);
                default -> 262_158;
            };
            data[i] = new byte[size];
            seed.nextBytes(data[i]);
            cids[i] = Block.raw(data[i]).cid();
        }
        NativeBuffers uploads = new NativeBuffers(AllocatorConfig.of(Long.MAX_VALUE)
                .withRegionBytes(NativeBuffers.REGION_BYTES).withPoison(true));
        ManualMemoryGovernor governor = new ManualMemoryGovernor(1L << 30);
        AtomicLong clock = new AtomicLong();
        GovernanceConfig governance = GovernanceConfig.builder().restoreInterval(Duration.ofMillis(1)).build();
        FlatFsOptions fs = FlatFsOptions.builder().sync(false).mapViewsFrom(64 * 1024).build();
        CachingBlockstore.Options options = CachingBlockstore.Options.defaults()
                .withContentCacheBytes(4L << 20).withMetadataCacheEntries(10_000);
        CachingBlockstore store;
        String before = System.getProperty("cairn.offheap.poison");
        System.setProperty("cairn.offheap.poison", "true"); // read when the content cache is made
        try {
            store = CachingBlockstore.wrap(Blockstores.layered(Blockstores.flatFs(dir, fs), false), options,
                    governor, governance, clock::get);
        } finally {
            if (before == null) {
                System.clearProperty("cairn.offheap.poison");
            } else {
                System.setProperty("cairn.offheap.poison", before);
            }
        }
        assertThat(store.contentCacheForMetrics().allocator().config().poison()).isTrue();
        for (int i = 0; i < blocks; i += 2) {
            put(store, uploads, cids[i], data[i]);
        }
        AtomicLong served = new AtomicLong();
        AtomicLong absent = new AtomicLong();
        AtomicLong heldAcrossOps = new AtomicLong();
        AtomicLong puts = new AtomicLong();
        AtomicLong levelChanges = new AtomicLong();
        AtomicBoolean done = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(READERS + WRITERS + 1);
        try (store) {
            List<Future<?>> readers = new ArrayList<>();
            for (int r = 0; r < READERS; r++) {
                long s = seed.nextLong();
                readers.add(pool.submit(() -> {
                    SplittableRandom rnd = new SplittableRandom(s);
                    MessageDigest sha = MessageDigest.getInstance("SHA-256");
                    BlockBytes held = null;
                    int heldIndex = -1;
                    for (int op = 0; op < OPS_PER_READER || levelChanges.get() < LEVEL_CHANGES; op++) {
                        double u = rnd.nextDouble();
                        int i = (int) (blocks * u * u); // skewed: a hot set, and misses of the same CIDs at once
                        try {
                            switch (rnd.nextInt(3)) {
                                case 0 -> check(sha, ByteBuffer.wrap(store.get(cids[i]).bytes()), cids[i]);
                                case 1 -> store.view(cids[i], buf -> {
                                    check(sha, buf, cids[i]);
                                    return null;
                                });
                                default -> {
                                    BlockBytes lent = store.open(cids[i]);
                                    check(sha, lent.buffer(), cids[i]);
                                    if (held == null && rnd.nextInt(6) == 0) {
                                        held = lent; // pinned while others evict, trim, delete and reuse memory
                                        heldIndex = i;
                                    } else {
                                        lent.close();
                                    }
                                }
                            }
                            served.incrementAndGet();
                        } catch (BlockNotFoundException e) {
                            absent.incrementAndGet();
                        }
                        if (held != null && rnd.nextInt(12) == 0) {
                            check(sha, held.buffer(), cids[heldIndex]);
                            heldAcrossOps.incrementAndGet();
                            held.close();
                            held = null;
                        }
                    }
                    if (held != null) {
                        check(sha, held.buffer(), cids[heldIndex]);
                        held.close();
                    }
                    return null;
                }));
            }
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                long s = seed.nextLong();
                writers.add(pool.submit(() -> {
                    SplittableRandom rnd = new SplittableRandom(s);
                    while (!done.get()) {
                        int i = rnd.nextInt(blocks);
                        if (rnd.nextInt(4) == 0) {
                            store.delete(cids[i]);
                        } else {
                            put(store, uploads, cids[i], data[i]);
                            puts.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            Future<?> trimmer = pool.submit(() -> {
                PressureLevel[] cycle = {PressureLevel.MEDIUM, PressureLevel.NONE, PressureLevel.HIGH,
                        PressureLevel.LOW, PressureLevel.NONE, PressureLevel.CRITICAL, PressureLevel.NONE};
                int k = 0;
                while (!done.get()) {
                    governor.setLevel(cycle[k++ % cycle.length]);
                    levelChanges.incrementAndGet();
                    clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(2));
                    Thread.sleep(20);
                }
                governor.setLevel(PressureLevel.NONE);
                return null;
            });
            for (Future<?> f : readers) {
                f.get(5, TimeUnit.MINUTES);
            }
            done.set(true);
            for (Future<?> f : writers) {
                f.get(1, TimeUnit.MINUTES);
            }
            trimmer.get(1, TimeUnit.MINUTES);

            assertThat(served.get()).as("reads answered").isGreaterThan(1_000);
            assertThat(puts.get()).as("native puts").isPositive();
            assertThat(heldAcrossOps.get()).as("leases held across other work").isPositive();
            assertThat(store.contentCacheStats().hits()).isPositive();
            assertThat(uploads.allocator().allocationCount()).as("upload memory still allocated").isZero();
            assertThat(uploads.allocator().mappedBytes()).as("poison mode unmaps empty regions").isZero();
            governor.setLevel(PressureLevel.CRITICAL);
            assertThat(store.contentCacheForMetrics().allocator().allocationCount())
                    .as("no cache allocation outlives its last pin").isZero();
            assertThat(store.cachedBytes()).isZero();
        } finally {
            pool.shutdownNow();
        }
    }

    /** A put as the server makes it: the bytes read into native memory, the block a view of them. */
    static void put(Blockstore store, NativeBuffers uploads, Cid cid, byte[] data) throws java.io.IOException {
        try (SegmentChain chain = uploads.read(new ByteArrayInputStream(data), data.length);
             Block block = Block.verifiedOver(cid, chain)) {
            store.put(block);
        }
    }

    private static void check(MessageDigest sha, ByteBuffer lent, Cid cid) {
        sha.reset();
        sha.update(lent.duplicate());
        assertThat(sha.digest()).as("bytes served for %s", cid).isEqualTo(cid.multihash().digest());
    }
}
