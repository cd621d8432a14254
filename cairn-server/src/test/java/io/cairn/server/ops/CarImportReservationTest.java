package io.cairn.server.ops;

import io.cairn.blockstore.Block;
import io.cairn.blockstore.MemoryBlockstore;
import io.cairn.car.CarWriter;
import io.cairn.memory.HeapFootprint;
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

/** A CAR import reserves, per section, what reading that section holds: no fixed per-block amount. */
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

    @Test
    void eachSectionReservesTwiceItsOwnFootprintAndReleasesIt() throws Exception {
        Random rnd = new Random(5);
        List<Block> blocks = new ArrayList<>();
        for (int size : new int[] {1000, 1000, 50_000, 10, 300_000}) {
            byte[] b = new byte[size];
            rnd.nextBytes(b);
            blocks.add(Block.raw(b));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CarWriter w = new CarWriter(out, List.of(blocks.getFirst().cid()));
        for (Block b : blocks) {
            w.write(b.cid(), b.bytes());
        }
        w.flush();
        Recording g = new Recording();
        MemoryBlockstore store = new MemoryBlockstore();
        CarImport.Result r = CarImport.run(store, new ByteArrayInputStream(out.toByteArray()), 4 << 20, CarImport.reserving(g));
        assertThat(r.blocks()).isEqualTo(5);
        List<Long> expected = new ArrayList<>();
        long maxExpected = 0;
        for (Block b : blocks) {
            long section = b.cid().encodedLength() + b.size();
            long e = 2 * HeapFootprint.ofByteArray(section);
            expected.add(e);
            maxExpected = Math.max(maxExpected, e);
        }
        assertThat(g.reservations).containsExactlyElementsOf(expected);
        assertThat(g.peak).as("one section at a time").isEqualTo(maxExpected);
        assertThat(g.reservedBytes()).isZero();
    }

    /**
     * A section's reservation covers the section and its data at their largest (twice the section); what
     * lands is what was allocated: the section's array and the data's, which is shorter by the CID.
     * Failed before the fix: every section released its whole reservation as allocated.
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
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CarWriter w = new CarWriter(out, List.of(blocks.getFirst().cid()));
        for (Block b : blocks) {
            w.write(b.cid(), b.bytes());
        }
        w.flush();
        Recording g = new Recording();
        CarImport.run(new MemoryBlockstore(), new ByteArrayInputStream(out.toByteArray()), 4 << 20, CarImport.reserving(g));
        List<Long> expected = new ArrayList<>();
        for (Block b : blocks) {
            long section = b.cid().encodedLength() + b.size();
            expected.add(HeapFootprint.ofByteArray(section) + HeapFootprint.ofByteArray(b.size()));
        }
        assertThat(g.allocated).containsExactlyElementsOf(expected);
        for (int i = 0; i < blocks.size(); i++) {
            assertThat(g.allocated.get(i)).isLessThan(g.reservations.get(i));
        }
    }
}
