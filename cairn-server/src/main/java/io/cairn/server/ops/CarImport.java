package io.cairn.server.ops;

import io.cairn.blockstore.Block;
import io.cairn.blockstore.Blockstore;
import io.cairn.blockstore.MemoryAwareBlockstore;
import io.cairn.car.CarBlock;
import io.cairn.car.CarReader;
import io.cairn.car.InvalidCarException;
import io.cairn.cid.Cid;
import io.cairn.cid.CidPolicy;
import io.cairn.cid.InvalidCidException;
import io.cairn.memory.HeapFootprint;
import io.cairn.memory.MemoryGovernor;
import io.cairn.memory.MemoryGovernor.Reservation;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Streams a CAR (v1 or v2) into a store one block at a time. Every block is verified against its
 * CID before it is stored, so a CAR cannot plant bytes under a CID they do not hash to.
 */
public final class CarImport {
    private CarImport() {
    }

    /** Called around each block, for memory reservations and progress. */
    public interface Listener {
        /**
         * Before a section of {@code sectionLength} bytes (CID + data) is read from the stream: a
         * reservation covering what reading it will hold, released once the block is stored, or null
         * for none. May refuse by throwing. A block read under a reservation is stored as an admitted
         * write (see {@link MemoryAwareBlockstore#writeReserved}).
         */
        default Reservation beforeSection(long sectionLength) {
            return null;
        }

        /** After a block has been stored. */
        default void stored(Cid cid, int size) {
        }
    }

    /**
     * A listener that reserves, per section, what the reader holds while it splits that section:
     * the section's array and the block's data array (see {@link CarReader#next(java.util.function.LongConsumer)}).
     * Nothing is reserved for a section before its length is known, and never more than it needs.
     */
    public static Listener reserving(MemoryGovernor governor) {
        return new Listener() {
            @Override
            public Reservation beforeSection(long sectionLength) {
                return governor.tryReserve(2 * HeapFootprint.ofByteArray(sectionLength));
            }
        };
    }

    /** What {@link CarReader} holds besides its sections: its 64 KiB read buffer. */
    public static final long READER_FOOTPRINT = HeapFootprint.ofByteArray(64 * 1024);

    public record Result(List<Cid> roots, long blocks, long bytes) {
    }

    public static Result run(Blockstore store, InputStream in, int maxSection, Listener listener) throws IOException {
        CarReader reader = CarReader.open(in, maxSection);
        List<Cid> roots = reader.roots();
        long blocks = 0;
        long bytes = 0;
        Reservation[] held = new Reservation[1];
        long[] sectionLength = new long[1];
        while (true) {
            // What reading the section really allocated, once known; until then all of the reservation counts.
            long allocated = -1;
            try {
                CarBlock cb = reader.next(length -> {
                    sectionLength[0] = length;
                    held[0] = listener.beforeSection(length);
                });
                if (cb == null) {
                    break;
                }
                allocated = HeapFootprint.ofByteArray(sectionLength[0]) + HeapFootprint.ofByteArray(cb.data().length);
                Block block = Block.verified(acceptable(cb.cid(), blocks), cb.data());
                Reservation reservation = held[0];
                if (reservation == null) {
                    store.put(block);
                } else {
                    MemoryAwareBlockstore.writeReserved(reservation.bytes(), () -> store.put(block));
                }
                blocks++;
                bytes += block.size();
                listener.stored(block.cid(), block.size());
            } finally {
                if (held[0] != null) {
                    if (allocated >= 0) {
                        held[0].release(allocated);
                    } else {
                        held[0].release();
                    }
                    held[0] = null;
                }
            }
        }
        return new Result(roots, blocks, bytes);
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
