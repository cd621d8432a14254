package io.cairn.server.ops;

import io.cairn.blockstore.Block;
import io.cairn.blockstore.MemoryBlockstore;
import io.cairn.car.CarWriter;
import io.cairn.car.InvalidCarException;
import io.cairn.memory.offheap.AllocatorConfig;
import io.cairn.memory.offheap.NativeBuffers;
import io.cairn.memory.ManualMemoryGovernor;
import io.cairn.memory.MemoryGovernor;
import io.cairn.memory.MemoryStats;
import io.cairn.memory.PressureLevel;
import io.cairn.memory.PressureListener;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.LongSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** A CAR import reserves, per block, exactly the native memory its data is read into, and frees it once stored. */
class CarImportReservationTest {

    /** Records every reservation and the most held at once. */
    static final class Recording implements MemoryGovernor {
        final ManualMemoryGovernor inner = new ManualMemoryGovernor(1L << 30);
        final List<Long> reservations = new ArrayList<>();
        /** What each released reservation said it really allocated. */
        final List<Long> allocated = new ArrayList<>();
        long peak;

        @Override
        public synchronized Reservation tryReserve(long bytes) {
            Reservation r = inner.tryReserve(bytes);
            reservations.add(bytes);
            peak = Math.max(peak, inner.reservedBytes());
            return new Reservation() {
                @Override public long bytes() { return r.bytes(); }
                @Override public void release() { release(r.bytes()); }
                @Override public void release(long allocatedBytes) {
                    synchronized (Recording.this) {
                        allocated.add(allocatedBytes);
                    }
                    r.release(allocatedBytes);
                }
            };
        }

        @Override public PressureLevel level() { return inner.level(); }
        @Override public MemoryStats stats() { return inner.stats(); }
        @Override public long budgetBytes() { return inner.budgetBytes(); }
        @Override public Registration addListener(PressureListener l) { return inner.addListener(l); }
        @Override public long reservedBytes() { return inner.reservedBytes(); }
        @Override public Registration registerConsumer(String n, Residence r, LongSupplier b) { return inner.registerConsumer(n, r, b); }
        @Override public GcRequestResult requestGc() { return inner.requestGc(); }
        @Override public void close() { inner.close(); }
    }

    static final NativeBuffers POISONED = new NativeBuffers(AllocatorConfig.of(Long.MAX_VALUE)
            .withRegionBytes(NativeBuffers.REGION_BYTES).withPoison(true));

    static byte[] car(List<Block> blocks) throws java.io.IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CarWriter w = new CarWriter(out, List.of(blocks.getFirst().cid()));
        for (Block b : blocks) {
            w.write(b.cid(), b.bytes());
        }
        w.flush();
        return out.toByteArray();
    }

    @Test
    void eachBlockReservesExactlyItsNativeFootprintAndReleasesIt() throws Exception {
        Random rnd = new Random(5);
        List<Block> blocks = new ArrayList<>();
        for (int size : new int[] {1000, 1000, 50_000, 10, 300_000}) {
            byte[] b = new byte[size];
            rnd.nextBytes(b);
            blocks.add(Block.raw(b));
        }
        Recording g = new Recording();
        MemoryBlockstore store = new MemoryBlockstore();
        long[] heldWhileStoring = new long[blocks.size()];
        int[] at = {0};
        CarImport.Listener reserving = CarImport.reserving(g, POISONED);
        CarImport.Result r = CarImport.run(store, new ByteArrayInputStream(car(blocks)), 4 << 20, new CarImport.Listener() {
            @Override
            public MemoryGovernor.Reservation beforeSection(long dataLength) {
                return reserving.beforeSection(dataLength);
            }

            @Override
            public void stored(io.cairn.cid.Cid cid, int size) {
                heldWhileStoring[at[0]++] = POISONED.allocator().allocatedBytes();
            }
        }, POISONED);
        assertThat(r.blocks()).isEqualTo(5);
        List<Long> expected = new ArrayList<>();
        long maxExpected = 0;
        for (Block b : blocks) {
            long e = POISONED.footprint(b.size());
            expected.add(e);
            maxExpected = Math.max(maxExpected, e);
            assertThat(store.get(b.cid()).bytes()).isEqualTo(b.bytes());
        }
        // 300,000 bytes take 74 pages (303,104 bytes): no heap arrays, no doubling
        assertThat(g.reservations).containsExactlyElementsOf(expected).contains(303_104L);
        assertThat(g.peak).as("one block at a time").isEqualTo(maxExpected);
        assertThat(g.reservedBytes()).isZero();
        assertThat(heldWhileStoring).as("each block's memory is freed once it is stored").containsOnly(0L);
        assertThat(POISONED.allocator().allocationCount()).isZero();
        assertThat(POISONED.allocator().mappedBytes()).isZero();
    }

    @Test
    void aTruncatedBlockIsRefusedAndItsMemoryReturned() throws Exception {
        byte[] data = new byte[100_000];
        new Random(6).nextBytes(data);
        byte[] car = car(List.of(Block.raw(data)));
        byte[] cut = java.util.Arrays.copyOf(car, car.length - 10);
        Recording g = new Recording();
        MemoryBlockstore store = new MemoryBlockstore();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CarImport.run(store, new ByteArrayInputStream(cut), 4 << 20,
                CarImport.reserving(g, POISONED), POISONED)).isInstanceOf(InvalidCarException.class)
                .hasMessageContaining("truncated");
        assertThat(store.count()).isZero();
        assertThat(g.reservedBytes()).isZero();
        assertThat(POISONED.allocator().allocationCount()).isZero();
    }

    /**
     * What lands on the heap is what was allocated there: with each block read into native memory
     * that is nothing, so every reservation is released as landing 0 bytes (it covered exactly the
     * block's native footprint, freed once the block is stored). Before the blocks moved off the heap
     * a section landed its two arrays; before that, its whole reservation.
     */
    @Test
    void eachSectionLandsWhatItAllocatedNotItsReservation() throws Exception {
        Random rnd = new Random(6);
        List<Block> blocks = new ArrayList<>();
        for (int size : new int[] {1, 20, 1000, 70_000}) {
            byte[] b = new byte[size];
            rnd.nextBytes(b);
            blocks.add(Block.raw(b));
        }
        Recording g = new Recording();
        CarImport.run(new MemoryBlockstore(), new ByteArrayInputStream(car(blocks)), 4 << 20,
                CarImport.reserving(g, POISONED), POISONED);
        List<Long> expected = new ArrayList<>();
        for (Block b : blocks) {
            expected.add(POISONED.footprint(b.size()));
        }
        assertThat(g.reservations).containsExactlyElementsOf(expected);
        assertThat(g.allocated).hasSize(blocks.size()).containsOnly(0L);
        assertThat(POISONED.allocator().allocationCount()).isZero();
    }
}
