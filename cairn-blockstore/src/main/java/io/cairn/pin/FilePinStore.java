package io.cairn.pin;

import io.cairn.cid.Cid;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The pins of one process, persisted crash-safely in a local file: every change is on disk (written to
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
final class FilePinStore implements PinStore {
    private final PinFile file;
    private final Set<Cid> recursive;
    private final Set<Cid> direct;

    private FilePinStore(PinFile file, Set<Cid> recursive, Set<Cid> direct) {
        this.file = file;
        this.recursive = recursive;
        this.direct = direct;
    }

    static FilePinStore open(Path path) {
        PinFile f = new PinFile(path);
        PinFile.Contents c = f.load();
        return new FilePinStore(f, c.recursive(), c.direct());
    }

    static FilePinStore inMemory() {
        return new FilePinStore(null, new LinkedHashSet<>(), new LinkedHashSet<>());
    }

    @Override
    public synchronized boolean isRecursive(Cid cid) {
        return recursive.contains(cid);
    }

    @Override
    public synchronized boolean isDirect(Cid cid) {
        return direct.contains(cid);
    }

    /** A copy of the recursive pins, in the order they were added. */
    @Override
    public synchronized List<Cid> recursive() {
        return List.copyOf(recursive);
    }

    /** A copy of the direct pins, in the order they were added. */
    @Override
    public synchronized List<Cid> direct() {
        return List.copyOf(direct);
    }

    @Override
    public synchronized int size() {
        return recursive.size() + direct.size();
    }

    /**
     * Pins {@code cid} recursively (dropping a direct pin of it, which the recursive one covers).
     * Returns false if it already was.
     */
    @Override
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
    @Override
    public synchronized boolean addDirect(Cid cid) {
        if (!direct.add(cid)) {
            return false;
        }
        persist(() -> direct.remove(cid));
        return true;
    }

    /** Removes a recursive pin; false if there was none. */
    @Override
    public synchronized boolean removeRecursive(Cid cid) {
        if (!recursive.remove(cid)) {
            return false;
        }
        persist(() -> recursive.add(cid));
        return true;
    }

    /** Removes a direct pin; false if there was none. */
    @Override
    public synchronized boolean removeDirect(Cid cid) {
        if (!direct.remove(cid)) {
            return false;
        }
        persist(() -> direct.add(cid));
        return true;
    }

    @Override
    public synchronized Snapshot snapshot() {
        return new Snapshot(List.copyOf(recursive), List.copyOf(direct));
    }

    @Override
    public String describe() {
        return file == null ? "memory" : "file " + file.path().getFileName();
    }

    /** Where the pins live on disk, or null for an in-memory store. */
    Path path() {
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
