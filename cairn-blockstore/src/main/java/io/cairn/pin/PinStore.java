package io.cairn.pin;

import io.cairn.cid.Cid;

import java.nio.file.Path;
import java.util.List;

/**
 * The set of recursive and direct pins. Every change is durable where the store keeps its pins
 * before the method returns, so an acknowledged pin survives a crash or restart; a change that
 * cannot be made durable is reported and not applied. Thread-safe.
 *
 * <p>Two kinds exist: {@link #open(Path) a file} for a node that owns its store, and a shared store
 * (cairn-s3's {@code S3PinStore}) for nodes sharing one store of record, where every node sees, and
 * every collection honours, every other node's pins.
 *
 * <p>The store keeps pins only. What a pin means (following links, indirect pins, Kubo's rules) is
 * {@link Pinner}'s business.
 */
public interface PinStore extends AutoCloseable {
    /** Both kinds of pin, read together (one listing of a shared store), in the order they were added where known. */
    record Snapshot(List<Cid> recursive, List<Cid> direct) {
        public Snapshot {
            recursive = List.copyOf(recursive);
            direct = List.copyOf(direct);
        }
    }

    /**
     * Opens (or, when absent, starts) the crash-safe pin file at {@code path}: the whole set in one
     * small text file, rewritten on each change (fine for thousands of pins, not for millions).
     *
     * @throws PinStoreException if the file cannot be read or fails its checksum
     */
    static PinStore open(Path path) {
        return FilePinStore.open(path);
    }

    /** Pins kept in memory only, for tests and stores that do not outlive the process. */
    static PinStore inMemory() {
        return FilePinStore.inMemory();
    }

    boolean isRecursive(Cid cid);

    boolean isDirect(Cid cid);

    /** A copy of the recursive pins. */
    List<Cid> recursive();

    /** A copy of the direct pins. */
    List<Cid> direct();

    /** Recursive and direct pins read together, so a pin changing type between two reads is never missed. */
    Snapshot snapshot();

    int size();

    /**
     * Pins {@code cid} recursively (dropping a direct pin of it, which the recursive one covers).
     * Returns false if it already was.
     */
    boolean addRecursive(Cid cid);

    /** Pins {@code cid} directly. Returns false if it already was. */
    boolean addDirect(Cid cid);

    /** Removes a recursive pin; false if there was none. */
    boolean removeRecursive(Cid cid);

    /** Removes a direct pin; false if there was none. */
    boolean removeDirect(Cid cid);

    /**
     * Whether other processes share these pins (and may change them at any moment): then a
     * collection must also be the only one running across those processes (see {@link CollectionLease}).
     */
    default boolean shared() {
        return false;
    }

    /** Where the pins live, for logs and {@code /health}, without secrets or absolute paths. */
    String describe();

    @Override
    default void close() {
    }
}
