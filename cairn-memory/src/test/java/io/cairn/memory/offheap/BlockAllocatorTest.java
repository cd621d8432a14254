package io.cairn.memory.offheap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.memory.ManualMemoryGovernor;
import io.cairn.memory.MemoryGovernor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class BlockAllocatorTest {
    private static final long MIB = 1 << 20;

    private static AllocatorConfig config(long max) {
        return AllocatorConfig.of(max).withRegionBytes(4 * MIB).withPoison(false);
    }

    @Test
    void everySmallSizeIsRoundedUpByLessThanAnEighthPlusSixteenBytes() {
        try (BlockAllocator a = new BlockAllocator(config(64 * MIB))) {
            for (int size = 1; size <= SizeClasses.MAX_SMALL; size++) {
                int rounded = a.roundedSize(size);
                assertThat(rounded).as("size %d", size).isGreaterThanOrEqualTo(size);
                assertThat(rounded - size).as("size %d", size).isLessThanOrEqualTo(Math.max(15, size / 8));
            }
        }
    }

    @Test
    void aUnixFsLeafTakesItsPagesNotAPowerOfTwo() {
        try (BlockAllocator a = new BlockAllocator(config(64 * MIB))) {
            assertThat(a.roundedSize(262_158)).isEqualTo(65 * 4096);
            assertThat(a.roundedSize(1 << 20)).isEqualTo(1 << 20);
            long h = a.allocate(262_158, Long.MAX_VALUE);
            assertThat(h).isNotZero();
            assertThat(a.allocatedBytes()).isEqualTo(65 * 4096);
            assertThat(a.requestedBytes()).isEqualTo(262_158);
            assertThat(a.mappedBytes()).isEqualTo(4 * MIB);
        }
    }

    @Test
    void allocationsNeverOverlapAndKeepTheirBytesUnderChurn() {
        SplittableRandom rnd = new SplittableRandom(7);
        try (BlockAllocator a = new BlockAllocator(config(256 * MIB))) {
            List<long[]> live = new ArrayList<>();
            for (int step = 0; step < 8_000; step++) {
                if (!live.isEmpty() && (rnd.nextInt(3) == 0 || a.mappedBytes() > 200 * MIB)) {
                    long[] e = live.remove(rnd.nextInt(live.size()));
                    check(a, e);
                    a.free(e[0], (int) e[1]);
                    continue;
                }
                int size = switch (rnd.nextInt(4)) {
                    case 0 -> 1 + rnd.nextInt(512);
                    case 1 -> 1 + rnd.nextInt(40_000);
                    case 2 -> 262_158;
                    default -> 1 + rnd.nextInt(6 << 20);
                };
                long h = a.allocate(size, Long.MAX_VALUE);
                assertThat(h).isNotZero();
                long tag = rnd.nextLong();
                MemorySegment s = a.segment(h, size);
                fill(s, tag);
                live.add(new long[] {h, size, tag});
            }
            for (long[] e : live) {
                check(a, e);
            }
            long requested = live.stream().mapToLong(e -> e[1]).sum();
            assertThat(a.requestedBytes()).isEqualTo(requested);
            for (long[] e : live) {
                a.free(e[0], (int) e[1]);
            }
            assertThat(a.allocationCount()).isZero();
            assertThat(a.allocatedBytes()).isZero();
            assertThat(a.mappedBytes()).as("one spare region stays").isLessThanOrEqualTo(4 * MIB);
            a.releaseEmptyRegions();
            assertThat(a.mappedBytes()).isZero();
            assertThat(a.regionCount()).isZero();
        }
    }

    @Test
    void theLimitIsNeverExceededAndFailureIsZero() {
        try (BlockAllocator a = new BlockAllocator(config(8 * MIB))) {
            int n = 0;
            while (a.allocate(262_158, Long.MAX_VALUE) != 0) {
                n++;
            }
            assertThat(n).isEqualTo(2 * (4 * 1024 / 260));
            assertThat(a.mappedBytes()).isEqualTo(8 * MIB);
            assertThat(a.allocate(5 << 20, Long.MAX_VALUE)).as("dedicated region over the limit").isZero();
        }
        try (BlockAllocator a = new BlockAllocator(config(64 * MIB))) {
            a.allocate(100, Long.MAX_VALUE);
            assertThat(a.allocate(262_158, 4 * MIB)).as("a per-call limit below a second region").isNotZero();
            assertThat(a.mappedBytes()).isEqualTo(4 * MIB);
        }
    }

    @Test
    void emptyRegionsAreClosedBeyondTheSpare() {
        try (BlockAllocator a = new BlockAllocator(config(64 * MIB).withSpareRegions(1))) {
            long[] hs = new long[64];
            for (int i = 0; i < hs.length; i++) {
                hs[i] = a.allocate(1 << 20, Long.MAX_VALUE);
            }
            assertThat(a.mappedBytes()).isEqualTo(64 * MIB);
            for (long h : hs) {
                a.free(h, 1 << 20);
            }
            assertThat(a.mappedBytes()).isEqualTo(4 * MIB);
            assertThat(a.regionsClosed()).isEqualTo(15);
        }
    }

    @Test
    void aBlockLargerThanARegionGetsItsOwnAndGivesItBack() {
        try (BlockAllocator a = new BlockAllocator(config(64 * MIB))) {
            long h = a.allocate(9 << 20, Long.MAX_VALUE);
            assertThat(a.mappedBytes()).isEqualTo(9 * MIB);
            a.segment(h, 9 << 20).fill((byte) 1);
            a.free(h, 9 << 20);
            assertThat(a.mappedBytes()).isZero();
        }
    }

    @Test
    void poisonModeOverwritesFreedBytesAndClosesEmptyRegions() {
        try (BlockAllocator a = new BlockAllocator(config(64 * MIB).withPoison(true))) {
            long keep = a.allocate(300, Long.MAX_VALUE);
            long h = a.allocate(300, Long.MAX_VALUE);
            MemorySegment s = a.segment(h, 300);
            s.fill((byte) 7);
            a.free(h, 300);
            for (int i = 0; i < 300; i++) {
                assertThat(s.get(ValueLayout.JAVA_BYTE, i)).isEqualTo(BlockAllocator.POISON);
            }
            MemorySegment k = a.segment(keep, 300);
            a.free(keep, 300);
            assertThat(a.mappedBytes()).isZero();
            assertThatThrownBy(() -> k.get(ValueLayout.JAVA_BYTE, 0)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void doubleFreeIsCaught() {
        try (BlockAllocator a = new BlockAllocator(config(64 * MIB))) {
            a.allocate(1, Long.MAX_VALUE);
            long h = a.allocate(100_000, Long.MAX_VALUE);
            a.free(h, 100_000);
            assertThatThrownBy(() -> a.free(h, 100_000)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void theGovernorCountsMappedBytesExactly() {
        try (ManualMemoryGovernor g = new ManualMemoryGovernor(1L << 30);
             BlockAllocator a = new BlockAllocator(config(64 * MIB))) {
            MemoryGovernor.Registration reg = a.registerWith(g, "blocks-offheap");
            long h = a.allocate(5000, Long.MAX_VALUE);
            assertThat(g.stats().consumers()).containsEntry("blocks-offheap", 4 * MIB);
            a.free(h, 5000);
            a.releaseEmptyRegions();
            assertThat(g.stats().consumers()).containsEntry("blocks-offheap", 0L);
            reg.close();
        }
    }

    @Test
    void closingRegionsGivesTheirPagesBackToTheKernel() throws Exception {
        Path status = Path.of("/proc/self/status");
        Assumptions.assumeTrue(Files.isReadable(status) && NativeMemory.mapsDirectly(),
                "needs Linux /proc/self/status and direct mmap of regions");
        try (BlockAllocator a = new BlockAllocator(config(256 * MIB).withSpareRegions(0))) {
            List<Long> hs = new ArrayList<>();
            for (int i = 0; i < 128; i++) {
                long h = a.allocate(1 << 20, Long.MAX_VALUE);
                a.segment(h, 1 << 20).fill((byte) 0x5A);
                hs.add(h);
            }
            long before = rss(status);
            for (long h : hs) {
                a.free(h, 1 << 20);
            }
            long after = rss(status);
            assertThat(a.mappedBytes()).isZero();
            assertThat(before - after).as("RSS fall after freeing 128 MiB").isGreaterThan(115 * MIB);
        }
    }

    static long rss(Path status) throws java.io.IOException {
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS");
    }

    private static void fill(MemorySegment s, long tag) {
        long n = s.byteSize();
        for (long i = 0; i < n; i += 4093) {
            s.set(ValueLayout.JAVA_BYTE, i, (byte) (tag + i));
        }
        s.set(ValueLayout.JAVA_BYTE, n - 1, (byte) tag);
    }

    private static void check(BlockAllocator a, long[] e) {
        MemorySegment s = a.segment(e[0], (int) e[1]);
        long n = s.byteSize();
        for (long i = 0; i < n - 1; i += 4093) {
            assertThat(s.get(ValueLayout.JAVA_BYTE, i)).isEqualTo((byte) (e[2] + i));
        }
        assertThat(s.get(ValueLayout.JAVA_BYTE, n - 1)).isEqualTo((byte) e[2]);
    }
}
