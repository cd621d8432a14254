package io.cairn.blockstore;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.cache.GovernanceConfig;
import io.cairn.cid.HashFunction;
import io.cairn.cid.Multihash;
import io.cairn.memory.ManualMemoryGovernor;
import io.cairn.memory.PressureLevel;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class OffHeapBlockCacheTest {
    private static final long MIB = 1 << 20;
    private static final int LEAF = 262_158;

    private static byte[] payload(int i, int size) {
        byte[] b = new byte[size];
        ByteBuffer.wrap(b).putInt(i).putInt(size);
        b[size - 1] = (byte) i;
        return b;
    }

    private static Multihash key(byte[] data) {
        return Multihash.digest(HashFunction.SHA2_256, data);
    }

    private static byte[] read(OffHeapBlockCache c, Multihash k) {
        try (OffHeapBlockCache.Lease l = c.acquire(k)) {
            if (l == null) {
                return null;
            }
            ByteBuffer b = l.buffer();
            assertThat(b.isDirect()).isTrue();
            assertThat(b.isReadOnly()).isTrue();
            byte[] out = new byte[b.remaining()];
            b.get(b.position(), out);
            return out;
        }
    }

    @Test
    void blocksComeBackByteForByteFromNativeMemory() {
        try (OffHeapBlockCache c = new OffHeapBlockCache(64 * MIB, null, null, System::nanoTime, true)) {
            for (int size : new int[] {1, 100, 4096, 20_000, LEAF, 1 << 20, 5 << 20}) {
                byte[] d = payload(size, size < 8 ? 8 : size);
                assertThat(c.put(key(d), ByteBuffer.wrap(d))).isTrue();
                assertThat(read(c, key(d))).isEqualTo(d);
            }
            assertThat(c.entries()).isEqualTo(7);
            assertThat(read(c, key(new byte[] {1, 2, 3}))).isNull();
            assertThat(c.hits()).isEqualTo(7);
            assertThat(c.misses()).isEqualTo(1);
        }
    }

    @Test
    void theBoundIsNativeMemoryMappedAndEvictionKeepsUnderIt() {
        long bound = 32 * MIB;
        try (OffHeapBlockCache c = new OffHeapBlockCache(bound, null, null, System::nanoTime, true)) {
            for (int i = 0; i < 1000; i++) {
                byte[] d = payload(i, LEAF);
                assertThat(c.put(key(d), ByteBuffer.wrap(d))).isTrue();
                assertThat(c.mappedBytes()).isLessThanOrEqualTo(bound);
            }
            assertThat(c.entries()).isBetween(110, 124);
            assertThat(c.removals(OffHeapBlockCache.Cause.SIZE)).isEqualTo(1000 - c.entries());
            for (int i = 999; i > 999 - c.entries() / 2; i--) {
                byte[] d = payload(i, LEAF);
                assertThat(read(c, key(d))).as("recent block %d", i).isEqualTo(d);
            }
        }
    }

    @Test
    void aPinnedBlockSurvivesEvictionTrimsAndInvalidationUntilReleased() {
        ManualMemoryGovernor governor = new ManualMemoryGovernor(1L << 30);
        try (OffHeapBlockCache c = new OffHeapBlockCache(16 * MIB, governor, GovernanceConfig.defaults(), System::nanoTime, true)) {
            byte[] d = payload(1, LEAF);
            c.put(key(d), ByteBuffer.wrap(d));
            OffHeapBlockCache.Lease lease = c.acquire(key(d));
            governor.setLevel(PressureLevel.CRITICAL);
            assertThat(c.entries()).isZero();
            assertThat(c.mappedBytes()).as("the pinned block's region stays").isPositive();
            for (int i = 0; i < 100; i++) {
                byte[] other = payload(1000 + i, LEAF);
                c.put(key(other), ByteBuffer.wrap(other)); // refused at CRITICAL; nothing may reuse the pinned bytes
            }
            byte[] seen = new byte[LEAF];
            lease.buffer().get(0, seen);
            assertThat(seen).isEqualTo(d);
            lease.close();
            assertThat(c.mappedBytes()).as("released, the last region goes").isZero();
            assertThat(c.allocator().allocationCount()).isZero();
        }
    }

    @Test
    void pressureTrimsGiveWholeRegionsBackAndTheBoundReturnsWithTimeAlone() {
        ManualMemoryGovernor governor = new ManualMemoryGovernor(1L << 30);
        AtomicLong now = new AtomicLong();
        GovernanceConfig g = GovernanceConfig.builder().restoreStep(0.25).restoreInterval(Duration.ofSeconds(1)).build();
        long max = 64 * MIB;
        try (OffHeapBlockCache c = new OffHeapBlockCache(max, governor, g, now::get, true)) {
            for (int i = 0; i < 1000; i++) {
                byte[] d = payload(i, LEAF);
                c.put(key(d), ByteBuffer.wrap(d));
            }
            assertThat(c.mappedBytes()).isEqualTo(max);
            governor.setLevel(PressureLevel.MEDIUM);
            assertThat(c.effectiveMaximum()).isEqualTo(max * 3 / 4);
            assertThat(c.mappedBytes()).isLessThanOrEqualTo(max * 3 / 4);
            long afterMedium = c.entries();
            assertThat(afterMedium).as("a MEDIUM trim is a quarter, not more").isGreaterThan(170);
            governor.setLevel(PressureLevel.HIGH);
            assertThat(c.mappedBytes()).isLessThanOrEqualTo(max / 4);
            byte[] fresh = payload(5000, LEAF);
            assertThat(c.put(key(fresh), ByteBuffer.wrap(fresh))).as("HIGH admits nothing").isFalse();
            governor.setLevel(PressureLevel.CRITICAL);
            assertThat(c.entries()).isZero();
            assertThat(c.mappedBytes()).isZero();

            governor.setLevel(PressureLevel.NONE);
            assertThat(c.effectiveMaximum()).as("one step at once").isEqualTo(max / 4);
            now.addAndGet(Duration.ofMillis(1500).toNanos());
            assertThat(c.effectiveMaximum()).isEqualTo(max / 2);
            now.addAndGet(Duration.ofSeconds(10).toNanos());
            assertThat(c.effectiveMaximum()).as("back with no reads or writes").isEqualTo(max);
            assertThat(c.put(key(fresh), ByteBuffer.wrap(fresh))).isTrue();
            assertThat(c.removals(OffHeapBlockCache.Cause.PRESSURE)).isEqualTo(1000 - c.removals(OffHeapBlockCache.Cause.SIZE));
        }
    }

    @Test
    void invalidateAndClearFreeTheBytes() {
        try (OffHeapBlockCache c = new OffHeapBlockCache(16 * MIB, null, null, System::nanoTime, false)) {
            byte[] a = payload(1, 5000);
            byte[] b = payload(2, 300_000);
            c.put(key(a), ByteBuffer.wrap(a));
            c.put(key(b), ByteBuffer.wrap(b));
            c.invalidate(key(a));
            assertThat(read(c, key(a))).isNull();
            assertThat(read(c, key(b))).isEqualTo(b);
            assertThat(c.liveBytes()).isEqualTo(key(b).encodedLength() + b.length);
            c.clear();
            assertThat(c.entries()).isZero();
            assertThat(c.mappedBytes()).isZero();
        }
    }

    @Test
    void metadataPerEntryOfAFullGibOfUnixFsLeavesIsAtMost48Bytes() {
        long gib = 1L << 30;
        try (OffHeapBlockCache c = new OffHeapBlockCache(gib, null, null, System::nanoTime, false)) {
            byte[] d = new byte[LEAF];
            ByteBuffer wrap = ByteBuffer.wrap(d);
            for (int i = 0; c.put(keyOf(i), wrap) && c.mappedBytes() < gib; i++) {
                // The bytes are the same; only the keys differ. Native pages are touched by the copy.
            }
            for (int i = 0; i < 5000; i++) {
                c.put(keyOf(100_000 + i), wrap);
            }
            assertThat(c.mappedBytes()).isLessThanOrEqualTo(gib);
            assertThat(c.entries()).isGreaterThan(3900);
            double perEntry = (double) c.metadataBytes() / c.entries();
            assertThat(perEntry).isLessThanOrEqualTo(48.0);
        }
    }

    private static Multihash keyOf(int i) {
        return Multihash.digest(HashFunction.SHA2_256, ByteBuffer.allocate(4).putInt(i).array());
    }
}
