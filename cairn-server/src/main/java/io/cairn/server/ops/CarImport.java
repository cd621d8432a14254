package io.cairn.server.ops;

import io.cairn.blockstore.Block;
import io.cairn.blockstore.Blockstore;
import io.cairn.car.CarBlock;
import io.cairn.car.CarReader;
import io.cairn.cid.Cid;

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
        /** Before the next block is read from the stream; may refuse by throwing. */
        default AutoCloseable beforeBlock() {
            return () -> { };
        }

        /** After a block has been stored. */
        default void stored(Cid cid, int size) {
        }
    }

    public record Result(List<Cid> roots, long blocks, long bytes) {
    }

    private static void release(AutoCloseable reservation) {
        try {
            reservation.close();
        } catch (Exception e) {
            throw new IllegalStateException("releasing a reservation failed", e);
        }
    }

    public static Result run(Blockstore store, InputStream in, int maxSection, Listener listener) throws IOException {
        CarReader reader = CarReader.open(in, maxSection);
        List<Cid> roots = reader.roots();
        long blocks = 0;
        long bytes = 0;
        while (true) {
            AutoCloseable reservation = listener.beforeBlock();
            try {
                CarBlock cb = reader.next();
                if (cb == null) {
                    break;
                }
                Block block = Block.verified(cb.cid(), cb.data());
                store.put(block);
                blocks++;
                bytes += block.size();
                listener.stored(block.cid(), block.size());
            } finally {
                release(reservation);
            }
        }
        return new Result(roots, blocks, bytes);
    }
}
