package io.cairn.server.ops;

import io.cairn.blockstore.Block;
import io.cairn.blockstore.Blockstore;
import io.cairn.blockstore.MemoryAwareBlockstore;
import io.cairn.car.CarReader;
import io.cairn.car.InvalidCarException;
import io.cairn.cid.Cid;
import io.cairn.cid.CidPolicy;
import io.cairn.cid.InvalidCidException;
import io.cairn.memory.HeapFootprint;
import io.cairn.memory.MemoryGovernor;
import io.cairn.memory.MemoryGovernor.Reservation;
import io.cairn.memory.offheap.NativeBuffers;
import io.cairn.memory.offheap.SegmentChain;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Streams a CAR (v1 or v2) into a store one block at a time. Each block's data is read from the
 * stream straight into native memory ({@link NativeBuffers}, one allocation of exactly its length),
 * verified against its CID there, and stored as a view of that memory ({@code Block.verifiedOver}),
 * so no heap array of the block's size is made. A CAR cannot plant bytes under a CID they do not
 * hash to.
 */
public final class CarImport {
    private CarImport() {
    }

    /** Called around each block, for memory reservations and progress. */
    public interface Listener {
        /**
         * Before a block's data of {@code dataLength} bytes is read into native memory: a
         * reservation covering what reading it will hold, released once the block is stored, or null
         * for none. May refuse by throwing. A block read under a reservation is stored as an admitted
         * write (see {@link MemoryAwareBlockstore#writeReserved}).
         */
        default Reservation beforeSection(long dataLength) {
            return null;
        }

        /** After a block has been stored. */
        default void stored(Cid cid, int size) {
        }
    }

    /**
     * A listener that reserves, per block, exactly the native memory its data will occupy in
     * {@code memory} (see {@link NativeBuffers#footprint}). Nothing is reserved for a section before
     * its length is known, and never more than it needs.
     */
    public static Listener reserving(MemoryGovernor governor, NativeBuffers memory) {
        return new Listener() {
            @Override
            public Reservation beforeSection(long dataLength) {
                return governor.tryReserve(memory.footprint((int) Math.max(1, dataLength)));
            }
        };
    }

    /** As {@link #reserving(MemoryGovernor, NativeBuffers)} over the process's {@link NativeBuffers#uploads()}. */
    public static Listener reserving(MemoryGovernor governor) {
        return reserving(governor, NativeBuffers.uploads());
    }

    /** What {@link CarReader} holds besides the blocks: its 64 KiB read buffer and a CID's first bytes. */
    public static final long READER_FOOTPRINT = HeapFootprint.ofByteArray(64 * 1024) + HeapFootprint.ofByteArray(1024);

    public record Result(List<Cid> roots, long blocks, long bytes) {
    }

    /** Into the process's {@link NativeBuffers#uploads()}. */
    public static Result run(Blockstore store, InputStream in, int maxSection, Listener listener) throws IOException {
        return run(store, in, maxSection, listener, NativeBuffers.uploads());
    }

    public static Result run(Blockstore store, InputStream in, int maxSection, Listener listener, NativeBuffers memory)
            throws IOException {
        CarReader reader = CarReader.open(in, maxSection);
        List<Cid> roots = reader.roots();
        long blocks = 0;
        long bytes = 0;
        while (true) {
            long index = blocks;
            Integer size = reader.nextSection(length -> { }, (cid, dataLength, data) -> {
                Cid checked = acceptable(cid, index);
                Reservation reservation = listener.beforeSection(dataLength);
                try (SegmentChain chain = readData(memory, data, dataLength, index);
                     Block block = Block.verifiedOver(checked, chain)) {
                    if (reservation == null) {
                        store.put(block);
                    } else {
                        MemoryAwareBlockstore.writeReserved(reservation.bytes(), () -> store.put(block));
                    }
                } finally {
                    if (reservation != null) {
                        reservation.release(0); // native memory, freed: nothing landed on the heap
                    }
                }
                listener.stored(checked, dataLength);
                return dataLength;
            });
            if (size == null) {
                break;
            }
            blocks++;
            bytes += size;
        }
        return new Result(roots, blocks, bytes);
    }

    private static SegmentChain readData(NativeBuffers memory, InputStream data, int length, long index) throws IOException {
        try {
            return memory.read(data, length);
        } catch (EOFException e) {
            throw new InvalidCarException("truncated CAR: block " + (index + 1) + " ends early", e);
        }
    }

    /** A section's CID must pass the policy a client's CID does (Kubo refuses such blocks too). */
    private static Cid acceptable(Cid cid, long index) {
        try {
            return CidPolicy.check(cid);
        } catch (InvalidCidException e) {
            throw new InvalidCarException("block " + (index + 1) + " of the CAR: " + e.getMessage(), e);
        }
    }
}
