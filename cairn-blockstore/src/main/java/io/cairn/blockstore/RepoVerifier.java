package io.cairn.blockstore;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.stream.Stream;

import io.cairn.cid.Cid;

/**
 * Reads every block of a store through its {@link IntegrityBlockstore} and reports what it found, as
 * Kubo's {@code repo verify}: corrupt blocks are quarantined on the way (so they answer as missing
 * and a put of the right bytes repairs them). Blocks are read one at a time with {@link Viewer#view}
 * (large flatfs blocks are hashed in their memory mapping), so memory stays flat whatever the store's
 * size. A block removed while the scan runs is skipped, not reported.
 */
public final class RepoVerifier {

    /** What the scan saw. */
    public interface Listener {
        /** A block whose bytes did not hash to its CID; it has been quarantined. */
        default void corrupt(Cid cid) {
        }

        /** A block stored under a hash function Cairn cannot compute, so it could not be judged. */
        default void unverifiable(Cid cid, String why) {
        }

        /** Called after each block with the number checked so far. */
        default void progress(long checked) {
        }
    }

    /**
     * @param checked      blocks read
     * @param intact       blocks whose bytes hash to their CID
     * @param corrupt      blocks found corrupt and quarantined
     * @param unverifiable blocks under a hash function Cairn cannot compute
     * @param bytes        bytes of intact blocks read
     */
    public record Report(long checked, long intact, long corrupt, long unverifiable, long bytes) {
        public boolean ok() {
            return corrupt == 0 && unverifiable == 0;
        }
    }

    private final IntegrityBlockstore integrity;

    public RepoVerifier(IntegrityBlockstore integrity) {
        this.integrity = Objects.requireNonNull(integrity, "integrity");
    }

    /** Over any stack built by {@link Blockstores#layered}. */
    public static RepoVerifier of(Blockstore stack) {
        IntegrityBlockstore i = Blockstores.integrityLayer(stack);
        if (i == null) {
            throw new IllegalArgumentException("the store has no integrity layer to verify with: " + stack);
        }
        return new RepoVerifier(i);
    }

    public Report run(Listener listener) {
        Objects.requireNonNull(listener, "listener");
        long checked = 0;
        long intact = 0;
        long corrupt = 0;
        long unverifiable = 0;
        long bytes = 0;
        try (Stream<Cid> keys = integrity.allKeys()) {
            for (var it = keys.iterator(); it.hasNext(); ) {
                Cid cid = it.next();
                long before = integrity.corruptBlocks();
                try {
                    bytes += integrity.view(cid, ByteBuffer::remaining);
                    intact++;
                } catch (BlockNotFoundException e) {
                    if (integrity.corruptBlocks() == before) {
                        continue; // removed while we scanned
                    }
                    corrupt++;
                    listener.corrupt(cid);
                } catch (HashMismatchException e) {
                    corrupt++;
                    listener.corrupt(cid);
                } catch (BlockstoreException e) {
                    if (e instanceof StorageException || e instanceof StoreClosedException) {
                        throw e;
                    }
                    unverifiable++;
                    listener.unverifiable(cid, e.getMessage());
                }
                checked++;
                listener.progress(checked);
            }
        }
        return new Report(checked, intact, corrupt, unverifiable, bytes);
    }
}
