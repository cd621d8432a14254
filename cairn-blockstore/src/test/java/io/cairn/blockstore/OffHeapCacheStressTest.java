package io.cairn.blockstore;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.cache.GovernanceConfig;
import io.cairn.cid.HashFunction;
import io.cairn.cid.Multihash;
import io.cairn.memory.ManualMemoryGovernor;
import io.cairn.memory.PressureLevel;
import java.nio.ByteBuffer;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Many readers, constant eviction, governor trims and invalidations on one off-heap cache in poison
 * mode: every byte a reader is lent is hashed and checked against the block's multihash while the
 * reader still holds it. Run with CLOCK (the hand over the slot array) and with W-TinyLFU (its lists,
 * hit buffer and window moves). A freed or reused pinned allocation would show as poison (a digest
 * mismatch) or as an access to a closed region (an exception). At the end nothing stays pinned and
 * every byte of native memory is given back.
 */
class OffHeapCacheStressTest {
    private static final int READERS = 5;
    private static final int OPS_PER_READER = 3_000;
    private static final int LEVEL_CHANGES = 36;

    @ParameterizedTest
    @EnumSource(value = OffHeapPolicy.class, names = {"CLOCK", "WINDOW_TINY_LFU"})
    void everyByteServedMatchesItsDigestUnderEvictionTrimsAndInvalidation(OffHeapPolicy policy) throws Exception {
        SplittableRandom seed = new SplittableRandom(42);
        int blocks = 600;
        byte[][] data = new byte[blocks][];
        Multihash[] keys = new Multihash[blocks];
        for (int i = 0; i < blocks; i++) {
            int size = switch (i % 6) {
                case 0 -> 1 + seed.nextInt(200);
                case 1 -> 200 + seed.nextInt(4000);
                case 2 -> 4096;
                case 3 -> 4096 + seed.nextInt(40_000);
                case 4 -> 65_536 + seed.nextInt(70_000);
                default -> 262_158;
            };
            data[i] = new byte[size];
            seed.nextBytes(data[i]);
            keys[i] = Multihash.digest(HashFunction.SHA2_256, data[i]);
        }
        ManualMemoryGovernor governor = new ManualMemoryGovernor(1L << 30);
        AtomicLong clock = new AtomicLong();
        GovernanceConfig governance = GovernanceConfig.builder().restoreInterval(Duration.ofMillis(1)).build();
        AtomicLong served = new AtomicLong();
        AtomicLong heldAcrossOps = new AtomicLong();
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong levelChanges = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(READERS + 2);
        try (OffHeapBlockCache cache = new OffHeapBlockCache(8L << 20, policy, governor, governance, clock::get, true)) {
            List<Future<?>> readers = new ArrayList<>();
            for (int r = 0; r < READERS; r++) {
                long s = seed.nextLong();
                readers.add(pool.submit(() -> {
                    SplittableRandom rnd = new SplittableRandom(s);
                    MessageDigest sha = MessageDigest.getInstance("SHA-256");
                    OffHeapBlockCache.Lease held = null;
                    int heldIndex = -1;
                    // At least OPS_PER_READER operations, and on until the trimmer has run its cycles.
                    for (int op = 0; op < OPS_PER_READER || levelChanges.get() < LEVEL_CHANGES; op++) {
                        double u = rnd.nextDouble();
                        int i = (int) (blocks * u * u * u); // skewed: a hot set that stays cached between trims
                        OffHeapBlockCache.Lease lease = cache.acquire(keys[i]);
                        if (lease == null) {
                            cache.put(keys[i], ByteBuffer.wrap(data[i]));
                            continue;
                        }
                        check(sha, lease.buffer(), keys[i]);
                        served.incrementAndGet();
                        if (held == null && rnd.nextInt(8) == 0) {
                            held = lease; // keep it pinned while others evict, trim and reuse memory
                            heldIndex = i;
                        } else {
                            lease.close();
                        }
                        if (held != null && rnd.nextInt(16) == 0) {
                            check(sha, held.buffer(), keys[heldIndex]);
                            heldAcrossOps.incrementAndGet();
                            held.close();
                            held = null;
                        }
                    }
                    if (held != null) {
                        check(sha, held.buffer(), keys[heldIndex]);
                        held.close();
                    }
                    return null;
                }));
            }
            Future<?> trimmer = pool.submit(() -> {
                PressureLevel[] cycle = {PressureLevel.MEDIUM, PressureLevel.NONE, PressureLevel.HIGH,
                        PressureLevel.LOW, PressureLevel.NONE, PressureLevel.MEDIUM, PressureLevel.LOW,
                        PressureLevel.CRITICAL, PressureLevel.NONE};
                int k = 0;
                while (!done.get()) {
                    governor.setLevel(cycle[k++ % cycle.length]);
                    levelChanges.incrementAndGet();
                    clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(2));
                    Thread.sleep(15);
                }
                governor.setLevel(PressureLevel.NONE);
                return null;
            });
            Future<?> invalidator = pool.submit(() -> {
                SplittableRandom rnd = new SplittableRandom(7);
                while (!done.get()) {
                    cache.invalidate(keys[rnd.nextInt(blocks)]);
                    Thread.sleep(2);
                }
                return null;
            });
            for (Future<?> f : readers) {
                f.get(5, TimeUnit.MINUTES);
            }
            assertThat(levelChanges.get()).isGreaterThanOrEqualTo(LEVEL_CHANGES);
            done.set(true);
            trimmer.get(1, TimeUnit.MINUTES);
            invalidator.get(1, TimeUnit.MINUTES);

            assertThat(served.get()).as("blocks served from the cache").isGreaterThan(1_000);
            assertThat(heldAcrossOps.get()).as("leases held across other readers' work").isPositive();
            assertThat(cache.removals(OffHeapBlockCache.Cause.PRESSURE)).isPositive();
            assertThat(cache.removals(OffHeapBlockCache.Cause.SIZE)).isPositive();
            assertThat(cache.mappedBytes()).isLessThanOrEqualTo(8L << 20);
            cache.checkPolicyInvariants(); // W-TinyLFU: every entry on one list, weights as counted
            cache.clear();
            cache.checkPolicyInvariants();
            assertThat(cache.allocator().allocationCount()).as("no allocation outlives its last pin").isZero();
            assertThat(cache.mappedBytes()).isZero();
        } finally {
            pool.shutdownNow();
        }
    }

    private static void check(MessageDigest sha, ByteBuffer lent, Multihash key) {
        sha.reset();
        sha.update(lent.duplicate());
        assertThat(sha.digest()).as("bytes served for %s", key).isEqualTo(key.digest());
    }
}
