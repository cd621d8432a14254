package io.cairn.pin;

import io.cairn.cid.Cid;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The set of recursive and direct pins, persisted crash-safely: every change is on disk (written to
 * a temporary file, forced, renamed over the old one, directory forced) before the method returns,
 * so an acknowledged pin survives a crash or restart. A change that cannot be written is undone in
 * memory and reported. Thread-safe.
 *
 * <p>Each change rewrites the whole file, which is fine for thousands of pins (a CID is under 100
 * bytes); it is not meant for millions.
 *
 * <p>The store keeps pins only. What a pin means (following links, indirect pins, Kubo's rules) is
 * {@link Pinner}'s business.
 */
public final class PinStore {
    private final PinFile file;
    private final Set<Cid> recursive;
    private final Set<Cid> direct;

    private PinStore(PinFile file, Set<Cid> recursive, Set<Cid> direct) {
        this.file = file;
        this.recursive = recursive;
        this.direct = direct;
    }

    /**
     * Opens (or, when absent, starts) the pin file at {@code path}.
     *
     * @throws PinStoreException if the file cannot be read or fails its checksum
     */
    public static PinStore open(Path path) {
        PinFile f = new PinFile(path);
        PinFile.Contents c = f.load();
        return new PinStore(f, c.recursive(), c.direct());
    }

    /** Pins kept in memory only, for tests and stores that do not outlive the process. */
    public static PinStore inMemory() {
        return new PinStore(null, new LinkedHashSet<>(), new LinkedHashSet<>());
    }

    public synchronized boolean isRecursive(Cid cid) {
        return recursive.contains(cid);
    }

    public synchronized boolean isDirect(Cid cid) {
        return direct.contains(cid);
    }

    /** A copy of the recursive pins, in the order they were added. */
    public synchronized List<Cid> recursive() {
        return List.copyOf(recursive);
    }

    /** A copy of the direct pins, in the order they were added. */
    public synchronized List<Cid> direct() {
        return List.copyOf(direct);
    }

    public synchronized int size() {
        return recursive.size() + direct.size();
    }

    /**
     * Pins {@code cid} recursively (dropping a direct pin of it, which the recursive one covers).
     * Returns false if it already was.
     */
    public synchronized boolean addRecursive(Cid cid) {
        if (recursive.contains(cid)) {
            return false;
        }
        boolean wasDirect = direct.remove(cid);
        recursive.add(cid);
        persist(() -> {
            recursive.remove(cid);
            if (wasDirect) {
                direct.add(cid);
            }
        });
        return true;
    }

    /** Pins {@code cid} directly. Returns false if it already was. */
    public synchronized boolean addDirect(Cid cid) {
        if (!direct.add(cid)) {
            return false;
        }
        persist(() -> direct.remove(cid));
        return true;
    }

    /** Removes a recursive pin; false if there was none. */
    public synchronized boolean removeRecursive(Cid cid) {
        if (!recursive.remove(cid)) {
            return false;
        }
        persist(() -> recursive.add(cid));
        return true;
    }

    /** Removes a direct pin; false if there was none. */
    public synchronized boolean removeDirect(Cid cid) {
        if (!direct.remove(cid)) {
            return false;
        }
        persist(() -> direct.add(cid));
        return true;
    }

    /** Where the pins live on disk, or null for an in-memory store. */
    public Path path() {
        return file == null ? null : file.path();
    }

    private void persist(Runnable undo) {
        if (file == null) {
            return;
        }
        try {
            file.write(recursive, direct);
        } catch (RuntimeException e) {
            undo.run();
            throw e;
        }
    }
}
