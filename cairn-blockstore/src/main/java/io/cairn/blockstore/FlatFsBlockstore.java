package io.cairn.blockstore;

import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import io.cairn.memory.offheap.AllocatorConfig;
import io.cairn.memory.offheap.NativeBuffers;
import io.cairn.memory.offheap.SegmentChain;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import io.cairn.cid.Cid;
import io.cairn.cid.Multicodec;
import io.cairn.cid.Multihash;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Blocks as files, in the directory layout of Kubo's flatfs datastore, so a Kubo repository's blocks
 * open here and a directory written here opens in Kubo.
 *
 * <h2>Layout</h2>
 * {@link #open(Path, FlatFsOptions)} takes the <b>repository root</b>, the directory that contains
 * {@code blocks/} (Kubo's {@code ~/.ipfs}); the flatfs directory is {@code <root>/blocks}:
 * <pre>
 * &lt;root&gt;/blocks/SHARDING                    /repo/flatfs/shard/v1/next-to-last/2
 * &lt;root&gt;/blocks/&lt;SHARD&gt;/&lt;KEY&gt;.data          one file per block, KEY = base32 upper, unpadded, of the multihash
 * &lt;root&gt;/blocks/.temp/                     in-flight writes; emptied on open
 * &lt;root&gt;/blocks/.cairn-lock                held (OS file lock) while a Cairn process has the store open
 * </pre>
 * The sharding function is read from {@code SHARDING} ({@code next-to-last/N}, {@code prefix/N} and
 * {@code suffix/N} are honoured). A new or empty directory gets the one from the options (default
 * {@code next-to-last/2}); a non-empty directory without {@code SHARDING}, or with one that does not
 * parse, is refused. Kubo's {@code diskUsage.cache} is not needed; it is deleted on open because
 * Cairn does not maintain it and a stale one would mislead Kubo's accounting ({@code _README} is not
 * written).
 *
 * <h2>Writes</h2>
 * A put writes a temporary file in {@code .temp}, fsyncs it (when {@link FlatFsOptions#sync()}),
 * renames it atomically onto its final name and fsyncs the shard directory; a newly created shard
 * directory is made durable by an fsync of its parent. A reader therefore sees a whole block or
 * none, even if the process is killed mid-write, and a failed write (disk full, permission denied)
 * leaves no partial block. Concurrent puts of one key are safe: each writes its own temporary file
 * and the last rename wins, with identical content. A put of a block already present (same size) is a
 * stat and nothing more.
 *
 * <h2>Reads</h2>
 * {@link #get} reads through a {@link FileChannel} into a heap array sized from the file. File I/O
 * moves at most {@value #IO_CHUNK} bytes per call so the JDK's per-thread temporary direct buffers
 * stay small instead of growing to the largest block. {@link #view} does the same for small blocks
 * and memory-maps large ones (see {@link FlatFsOptions#mapViewsFrom()}), so serving a large block
 * needs no heap at all.
 *
 * <h2>Integrity and durability</h2>
 * A file in a block's place that is not a regular file (a directory, say) answers as missing and is
 * moved to {@code <root>/quarantine/}, outside {@code blocks/}; so is, on request
 * ({@link #quarantineIfCorrupt}), a file whose bytes do not hash to its key. The final rename of a
 * put and the move to quarantine hold the same per-key lock, so a block that a put has just repaired
 * is never moved away. A put that finds an intact copy already there (same bytes) still fsyncs the
 * shard directory before returning when {@link FlatFsOptions#sync()} is on: the copy may be another
 * put's, renamed into place but not yet made durable, and an acknowledgement must not depend on a
 * write that could still fail. A put that finds a copy with other bytes replaces it.
 *
 * <h2>Space</h2>
 * With {@link FlatFsOptions#trackUsage()} the store sums its block files when it opens (one stat per
 * file) and keeps the sum exact afterwards ({@link #usedBytes()}). A write that the file system
 * refuses for lack of space ({@code ENOSPC}) leaves nothing behind and raises
 * {@link StorageFullException}.
 *
 * <p>Thread-safe. One open instance per directory: a second open, in this or another process, fails
 * while the first holds the lock.
 */
public final class FlatFsBlockstore implements Blockstore, Viewer, GcLocker, Quarantine {
    private static final Logger LOG = LoggerFactory.getLogger(FlatFsBlockstore.class);
    /** Where corrupt blocks are moved, under the repository root (outside {@code blocks/}). */
    static final String QUARANTINE_DIR = "quarantine";
    private static final int KEY_LOCKS = 64;
    static final String BLOCKS_DIR = "blocks";
    static final String SHARDING_FILE = "SHARDING";
    static final String TEMP_DIR = ".temp";
    static final String LOCK_FILE = ".cairn-lock";
    static final String DISK_USAGE_CACHE = "diskUsage.cache";
    /** Regions of the native memory that views read small blocks into. */
    private static final long READ_REGION_BYTES = 1L << 20;
    /** Bound on one read or write call; see "Reads" above. */
    static final int IO_CHUNK = 64 * 1024;

    private final Path root;
    private final Path flatfs;
    private final Path temp;
    private final FlatFsLayout layout;
    private final FlatFsOptions options;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final ReadWriteGcLock gcLock = new ReadWriteGcLock();
    /** Temporary names are unique per open instance and per write, so two writers never share one. */
    private final String tempPrefix = "put-" + Long.toHexString(ThreadLocalRandom.current().nextLong()) + "-";
    private final AtomicLong tempCounter = new AtomicLong();
    /** Held around the final rename of a put, a delete and a move to quarantine, per key stripe. */
    private final ReentrantLock[] keyLocks = new ReentrantLock[KEY_LOCKS];
    /** Bytes in block files; exact when {@link FlatFsOptions#trackUsage()}, otherwise changes since open. */
    private final AtomicLong usedBytes = new AtomicLong();
    private final LongAdder quarantined = new LongAdder();
    /** Native memory for {@link #view} of blocks below {@code mapViewsFrom}, each freed after its call. */
    private final NativeBuffers reads = new NativeBuffers(AllocatorConfig.of(Long.MAX_VALUE).withRegionBytes(READ_REGION_BYTES));
    /** Test seam: told of every shard-directory fsync a put makes, on the putting thread. */
    volatile java.util.function.Consumer<Path> directorySyncObserver;
    private volatile boolean closed;

    private FlatFsBlockstore(Path root, Path flatfs, FlatFsLayout layout, FlatFsOptions options,
            FileChannel lockChannel, FileLock lock) {
        this.root = root;
        this.flatfs = flatfs;
        this.temp = flatfs.resolve(TEMP_DIR);
        this.layout = layout;
        this.options = options;
        this.lockChannel = lockChannel;
        this.lock = lock;
        for (int i = 0; i < KEY_LOCKS; i++) {
            keyLocks[i] = new ReentrantLock();
        }
    }

    /**
     * Opens (creating if needed) the flatfs store under the repository root {@code dir}.
     *
     * @throws StorageException if the directory cannot be created or read, is already open, is a
     *         non-empty directory without a {@code SHARDING} file, has an unparseable one, or has a
     *         sharding function other than one explicitly requested in {@code options}
     */
    public static FlatFsBlockstore open(Path dir, FlatFsOptions options) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(options, "options");
        Path root = dir.toAbsolutePath().normalize();
        Path flatfs = root.resolve(BLOCKS_DIR);
        if (Files.exists(root) && !Files.isDirectory(root)) {
            throw new StorageException("cannot open a flatfs store: not a directory", root);
        }
        if (!Files.isDirectory(flatfs) && Files.exists(root.resolve(SHARDING_FILE))) {
            throw new StorageException("cannot open a flatfs store: this looks like a flatfs directory itself "
                    + "(it holds SHARDING but no blocks/); pass the repository root that contains blocks/", root);
        }
        try {
            Files.createDirectories(flatfs);
        } catch (IOException e) {
            throw new StorageException("cannot create the flatfs directory", flatfs, e);
        }
        FileChannel lockChannel = null;
        try {
            Path lockPath = flatfs.resolve(LOCK_FILE);
            lockChannel = openLock(lockPath);
            FileLock lock = tryLock(lockChannel, lockPath);
            cleanTemp(flatfs.resolve(TEMP_DIR));
            ShardFunction sharding = readOrCreateSharding(flatfs, options);
            Files.deleteIfExists(flatfs.resolve(DISK_USAGE_CACHE));
            FlatFsBlockstore store = new FlatFsBlockstore(root, flatfs, new FlatFsLayout(flatfs, sharding), options,
                    lockChannel, lock);
            if (options.trackUsage()) {
                store.usedBytes.set(store.scanUsage());
            }
            return store;
        } catch (IOException e) {
            closeQuietly(lockChannel);
            throw new StorageException("cannot open the flatfs store", flatfs, e);
        } catch (RuntimeException e) {
            closeQuietly(lockChannel);
            throw e;
        }
    }

    private static FileChannel openLock(Path lockPath) {
        try {
            return FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new StorageException("cannot create the store's lock file", lockPath, e);
        }
    }

    private static FileLock tryLock(FileChannel channel, Path lockPath) throws IOException {
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            throw new StorageException("the flatfs store is already open in this process", lockPath, e);
        }
        if (lock == null) {
            throw new StorageException("the flatfs store is already open in another process", lockPath);
        }
        return lock;
    }

    /** Leftovers of writes interrupted by a crash; never visible as blocks, so safe to drop. */
    private static void cleanTemp(Path temp) throws IOException {
        if (Files.isDirectory(temp)) {
            try (Stream<Path> walk = Files.walk(temp)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    if (!p.equals(temp)) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        } else {
            Files.deleteIfExists(temp);
            Files.createDirectory(temp);
        }
    }

    private static ShardFunction readOrCreateSharding(Path flatfs, FlatFsOptions options) throws IOException {
        Path file = flatfs.resolve(SHARDING_FILE);
        ShardFunction requested = options.shardFunction();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            List<String> strangers = new ArrayList<>();
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(flatfs)) {
                for (Path p : entries) {
                    String name = p.getFileName().toString();
                    if (!name.equals(TEMP_DIR) && !name.equals(LOCK_FILE)) {
                        strangers.add(name);
                    }
                }
            }
            if (!strangers.isEmpty()) {
                throw new StorageException("refusing to open a non-empty flatfs directory without a SHARDING file "
                        + "(found " + strangers.subList(0, Math.min(5, strangers.size())) + "); "
                        + "without it the block paths cannot be known", file);
            }
            ShardFunction chosen = requested != null ? requested : ShardFunction.DEFAULT;
            writeSharding(flatfs, chosen, options.sync());
            return chosen;
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new StorageException("the SHARDING file is not text", file, e);
        }
        ShardFunction found;
        try {
            found = ShardFunction.parse(text);
        } catch (IllegalArgumentException e) {
            throw new StorageException("unparseable SHARDING file: " + e.getMessage(), file, e);
        }
        if (requested != null && !requested.equals(found)) {
            throw new StorageException("the store's sharding " + found.id() + " differs from the requested "
                    + requested.id(), file);
        }
        return found;
    }

    /** Written like a block (temporary file, rename), so a crash cannot leave a half-written SHARDING. */
    private static void writeSharding(Path flatfs, ShardFunction sharding, boolean sync) throws IOException {
        Path tmp = flatfs.resolve(TEMP_DIR).resolve("sharding-" + Long.toHexString(System.nanoTime()));
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            writeFully(ch, (sharding.id() + "\n").getBytes(StandardCharsets.US_ASCII));
            if (sync) {
                ch.force(false);
            }
        }
        Files.move(tmp, flatfs.resolve(SHARDING_FILE), StandardCopyOption.ATOMIC_MOVE);
        if (sync) {
            fsyncDirectory(flatfs);
        }
    }

    /** The repository root given to {@link #open}. */
    public Path root() {
        return root;
    }

    /** The flatfs directory, {@code <root>/blocks}. */
    public Path flatFsDirectory() {
        return flatfs;
    }

    /** The sharding function in force, as written in {@code SHARDING}. */
    public String sharding() {
        return layout.sharding().id();
    }

    public FlatFsOptions options() {
        return options;
    }

    /** The file that holds (or would hold) the block with this CID's multihash. */
    public Path pathOf(Cid cid) {
        return layout.path(cid.multihash());
    }

    @Override
    public boolean has(Cid cid) {
        ensureOpen();
        // Since JDK 20 this tests without allocating an exception for a missing file, which matters
        // because misses are the common case of has().
        return Files.isRegularFile(layout.path(cid.multihash()));
    }

    @Override
    public Block get(Cid cid) {
        ensureOpen();
        return Block.of(cid, read(cid, layout.path(cid.multihash())));
    }

    @Override
    public int getSize(Cid cid) {
        ensureOpen();
        Path path = layout.path(cid.multihash());
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new BlockNotFoundException(cid);
        } catch (IOException e) {
            throw new StorageException("cannot read the size of block " + cid, path, e);
        }
        if (!attrs.isRegularFile()) {
            // A directory's own size (4096) is not a block's: never report it.
            quarantineIfCorrupt(cid);
            throw new BlockNotFoundException(cid);
        }
        return toIntSize(attrs.size(), path);
    }

    /**
     * Blocks of at least {@link FlatFsOptions#mapViewsFrom()} bytes are memory-mapped for the duration
     * of the call and unmapped deterministically afterwards (a shared {@link Arena}, so the reader may
     * hand the buffer to another thread while it runs); a buffer kept past the call fails on access.
     * Smaller ones are read with {@code FileChannel.read} straight into native memory of this store's
     * own (see {@link #readBufferBytes()}), a direct buffer valid for the call only: afterwards it is
     * freed and its memory reused (in poison mode overwritten at once). A reader that offers a
     * {@link ViewTarget} (the content cache, for a miss it will keep) has the block read straight
     * into that memory instead, at any size.
     */
    @Override
    public <T> T view(Cid cid, Function<ByteBuffer, T> reader) {
        ensureOpen();
        Path path = layout.path(cid.multihash());
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            MemorySegment target = reader instanceof ViewTarget t && size > 0 ? t.target(toIntSize(size, path)) : null;
            if (target != null) {
                // The caller's memory (the content cache's allocation for this miss): read straight
                // into it, whatever the size, so the block is neither mapped nor copied afterwards.
                readFully(ch, target.asByteBuffer(), cid, path);
                return reader.apply(target.asByteBuffer().asReadOnlyBuffer());
            }
            if (size < options.mapViewsFrom()) {
                int n = toIntSize(size, path);
                if (n == 0) {
                    return reader.apply(ByteBuffer.allocate(0).asReadOnlyBuffer());
                }
                // Read straight into native memory (faster than a mapping below mapViewsFrom, and no
                // heap array; docs/BENCHMARKS.md, "Off-heap uploads and reads"), freed after the call.
                SegmentChain bytes;
                try {
                    bytes = reads.read(ch, n);
                } catch (EOFException e) {
                    throw new StorageException("block file of " + n + " bytes ended early while reading " + cid, path);
                }
                try (bytes) {
                    return reader.apply(bytes.buffers()[0]);
                }
            }
            toIntSize(size, path);
            try (Arena arena = Arena.ofShared()) {
                MemorySegment mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
                return reader.apply(mapped.asByteBuffer().asReadOnlyBuffer());
            }
        } catch (NoSuchFileException e) {
            throw new BlockNotFoundException(cid);
        } catch (IOException e) {
            throw notAFileOr(cid, path, e);
        }
    }

    @Override
    public void put(Block block) {
        ensureOpen();
        options.blockSizeLimit().check(block.size());
        Path dir = write(block);
        if (dir != null && options.sync()) {
            syncDirectory(dir);
        }
    }

    /**
     * Writes each block as {@link #put} does, but fsyncs each touched shard directory once at the end
     * rather than once per block.
     */
    @Override
    public void putMany(Collection<Block> blocks) {
        ensureOpen();
        for (Block b : blocks) {
            options.blockSizeLimit().check(b.size());
        }
        Set<Path> touched = new HashSet<>();
        for (Block b : blocks) {
            Path dir = write(b);
            if (dir != null) {
                touched.add(dir);
            }
        }
        if (options.sync()) {
            touched.forEach(this::syncDirectory);
        }
    }

    @Override
    public boolean delete(Cid cid) {
        ensureOpen();
        Path path = layout.path(cid.multihash());
        ReentrantLock l = keyLock(cid.multihash());
        l.lock();
        try {
            long size = regularFileSize(path);
            boolean removed = Files.deleteIfExists(path);
            if (removed) {
                usedBytes.addAndGet(-Math.max(0, size));
            }
            return removed;
        } catch (IOException e) {
            throw new StorageException("cannot delete block " + cid, path, e);
        } finally {
            l.unlock();
        }
    }

    /**
     * Moves the file in this CID's place to {@code <root>/quarantine/} if it is not a regular file or
     * its bytes do not hash to the key; checked again under the key's lock, so a block repaired by a
     * concurrent put stays. Logged (with where it went) and counted.
     */
    @Override
    public boolean quarantineIfCorrupt(Cid cid) {
        ensureOpen();
        Path path = layout.path(cid.multihash());
        ReentrantLock l = keyLock(cid.multihash());
        l.lock();
        try {
            BasicFileAttributes attrs;
            try {
                attrs = Files.readAttributes(path, BasicFileAttributes.class);
            } catch (NoSuchFileException e) {
                return false;
            }
            String why;
            if (!attrs.isRegularFile()) {
                why = attrs.isDirectory() ? "a directory in place of the block file" : "not a regular file";
            } else {
                byte[] data;
                try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
                    data = readFully(ch, cid, path);
                }
                try {
                    if (Hashes.matches(cid, data)) {
                        return false;
                    }
                } catch (BlockstoreException unverifiable) {
                    return false;
                }
                why = data.length + " bytes that do not hash to the key";
            }
            Path dest = moveToQuarantine(path);
            if (attrs.isRegularFile()) {
                usedBytes.addAndGet(-attrs.size());
            }
            quarantined.increment();
            LOG.warn("corrupt block {} ({}) moved to {}; it now answers as missing until the right bytes are put again",
                    cid, why, dest);
            return true;
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw new StorageException("cannot move corrupt block " + cid + " to quarantine", path, e);
        } finally {
            l.unlock();
        }
    }

    @Override
    public long quarantinedBlocks() {
        return quarantined.sum();
    }

    /** The directory corrupt blocks are moved to, {@code <root>/quarantine}. */
    public Path quarantineDirectory() {
        return root.resolve(QUARANTINE_DIR);
    }

    /**
     * Bytes in block files: with {@link FlatFsOptions#trackUsage()} the sum at open plus every change
     * since (exact); without it only the changes since open.
     */
    public long usedBytes() {
        return usedBytes.get();
    }

    /** Bytes the file system holding the store can still give to this process. */
    public long usableBytes() {
        try {
            return Files.getFileStore(flatfs).getUsableSpace();
        } catch (IOException e) {
            throw new StorageException("cannot read the free space of the file system", flatfs, e);
        }
    }

    /** Sums the sizes of every block file (one stat each); used at open with {@code trackUsage}. */
    long scanUsage() {
        long total = 0;
        try (Stream<Cid> keys = allKeys()) {
            for (var it = keys.iterator(); it.hasNext(); ) {
                total += Math.max(0, regularFileSize(layout.path(it.next().multihash())));
            }
        }
        return total;
    }

    /** The size of a regular file at {@code path}, or -1 when there is none. */
    private static long regularFileSize(Path path) {
        try {
            BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
            return a.isRegularFile() ? a.size() : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    private Path moveToQuarantine(Path path) throws IOException {
        Path dir = quarantineDirectory();
        Files.createDirectories(dir);
        String name = path.getFileName().toString();
        for (int n = 0; ; n++) {
            Path dest = dir.resolve(n == 0 ? name : name + "." + n);
            if (Files.exists(dest, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            try {
                Files.move(path, dest, StandardCopyOption.ATOMIC_MOVE);
                return dest;
            } catch (FileAlreadyExistsException raced) {
                // another quarantine took this name; try the next
            }
        }
    }

    private ReentrantLock keyLock(Multihash mh) {
        return keyLocks[(mh.hashCode() & 0x7fffffff) % KEY_LOCKS];
    }

    /**
     * Walks the shard directories lazily, one directory handle open at a time. Names that are not
     * keys of this layout (temporary files, other extensions, keys in the wrong shard) are skipped, as
     * are multihashes that do not decode. Like Kubo, entries are judged by name alone, without a stat
     * each, which keeps enumeration of millions of blocks at one readdir per shard.
     */
    @Override
    public Stream<Cid> allKeys() {
        ensureOpen();
        DirectoryStream<Path> shards;
        try {
            shards = Files.newDirectoryStream(flatfs,
                    p -> !p.getFileName().toString().startsWith(".") && Files.isDirectory(p));
        } catch (IOException e) {
            throw new StorageException("cannot list the flatfs directory", flatfs, e);
        }
        return StreamSupport.stream(shards.spliterator(), false)
                .onClose(() -> closeQuietly(shards))
                .flatMap(this::keysIn)
                .map(mh -> Cid.v1(Multicodec.RAW, mh));
    }

    private Stream<Multihash> keysIn(Path shard) {
        String shardName = shard.getFileName().toString();
        DirectoryStream<Path> files;
        try {
            files = Files.newDirectoryStream(shard);
        } catch (NoSuchFileException e) {
            return Stream.empty();
        } catch (IOException e) {
            throw new StorageException("cannot list a shard directory", shard, e);
        }
        return StreamSupport.stream(files.spliterator(), false)
                .onClose(() -> closeQuietly(files))
                .map(p -> layout.parse(shardName, p.getFileName().toString()))
                .filter(Objects::nonNull);
    }

    @Override
    public Unlock gcLock() {
        return gcLock.gcLock();
    }

    @Override
    public Unlock pinLock() {
        return gcLock.pinLock();
    }

    @Override
    public boolean gcRequested() {
        return gcLock.gcRequested();
    }

    /**
     * Native memory mapped now for views of small blocks (in use by views in progress, plus at most one
     * spare region of 1 MiB): an off-heap consumer the server reports to its governor.
     */
    public long readBufferBytes() {
        return reads.allocator().mappedBytes();
    }

    /** Releases the directory lock. Writes in flight on other threads may still complete. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            lock.release();
        } catch (IOException | RuntimeException ignored) {
            // Closing the channel below releases the lock anyway.
        }
        closeQuietly(lockChannel);
        reads.allocator().close();
    }

    @Override
    public String toString() {
        return "FlatFsBlockstore[" + flatfs + ", " + layout.sharding().id() + ", sync=" + options.sync() + "]";
    }

    /**
     * Writes one block unless an intact copy is there; returns the shard directory that now needs an
     * fsync to make the rename durable, or {@code null} when nothing was written.
     */
    private Path write(Block block) {
        Path target = layout.path(block.cid().multihash());
        try {
            BasicFileAttributes attrs = Files.readAttributes(target, BasicFileAttributes.class);
            if (attrs.isRegularFile() && attrs.size() == block.size() && sameBytes(target, block)) {
                // An intact copy, perhaps another put's that is renamed but not yet durable: the
                // caller fsyncs the directory before acknowledging, so this put never rests on it.
                return target.getParent();
            }
            // Other bytes (corruption) or not a file at all: replaced below by the good bytes.
        } catch (NoSuchFileException e) {
            // the common case: not stored yet
        } catch (IOException e) {
            throw new StorageException("cannot check for an existing copy of block " + block.cid(), target, e);
        }
        Path tmp = temp.resolve(tempPrefix + tempCounter.incrementAndGet());
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                writeFully(ch, block);
                if (options.sync()) {
                    // fdatasync: the data and the size, which is all a later read needs.
                    ch.force(false);
                }
            }
            ReentrantLock l = keyLock(block.cid().multihash());
            l.lock();
            try {
                if (Files.exists(target) && !Files.isRegularFile(target)) {
                    quarantined.increment();
                    LOG.warn("corrupt block {} (not a regular file) moved to {} before storing the right bytes",
                            block.cid(), moveToQuarantine(target));
                }
                long replaced = regularFileSize(target);
                moveIntoPlace(tmp, target);
                usedBytes.addAndGet(block.size() - Math.max(0, replaced));
            } finally {
                l.unlock();
            }
            return target.getParent();
        } catch (IOException e) {
            deleteQuietly(tmp);
            if (NoSpace.is(e)) {
                throw noSpace(block);
            }
            throw new StorageException("cannot write block " + block.cid(), target, e);
        } catch (RuntimeException e) {
            deleteQuietly(tmp);
            throw e;
        }
    }

    private StorageFullException noSpace(Block block) {
        long usable;
        try {
            usable = Files.getFileStore(flatfs).getUsableSpace();
        } catch (IOException | RuntimeException e) {
            usable = -1;
        }
        return new StorageFullException(StorageFullException.Cause.NO_SPACE,
                "no space left on device: block " + block.cid() + " of " + block.size() + " bytes not stored"
                        + (usable >= 0 ? " (" + usable + " bytes usable)" : ""), Duration.ofSeconds(5));
    }

    /** Whether the file holds exactly {@code expected}'s bytes (its size already matched), compared where they are. */
    private static boolean sameBytes(Path file, Block expected) throws IOException {
        ByteBuffer[] parts = partsOf(expected);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(Math.min(IO_CHUNK, Math.max(1, expected.size())));
            for (ByteBuffer part : parts) {
                while (part.hasRemaining()) {
                    buf.clear().limit(Math.min(buf.capacity(), part.remaining()));
                    int n = ch.read(buf);
                    if (n < 0) {
                        return false;
                    }
                    buf.flip();
                    if (!buf.equals(part.slice(part.position(), n))) {
                        return false;
                    }
                    part.position(part.position() + n);
                }
            }
            return ch.read(ByteBuffer.allocate(1)) < 0;
        }
    }

    /** The block's bytes in place: its array, or its native chunks. */
    private static ByteBuffer[] partsOf(Block block) {
        return block.isNative() ? block.chain().buffers() : new ByteBuffer[] {ByteBuffer.wrap(block.bytes())};
    }

    private void moveIntoPlace(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            // Either the shard directory is missing (create it and retry; another writer may have
            // created it since the failed rename, which is fine), or our temporary file vanished.
            if (!Files.exists(tmp)) {
                throw e;
            }
            Path shard = target.getParent();
            try {
                Files.createDirectory(shard);
                if (options.sync()) {
                    fsyncDirectory(flatfs);
                }
            } catch (FileAlreadyExistsException raced) {
                // another writer created it first
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    private byte[] read(Cid cid, Path path) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return readFully(ch, cid, path);
        } catch (NoSuchFileException e) {
            throw new BlockNotFoundException(cid);
        } catch (IOException e) {
            throw notAFileOr(cid, path, e);
        }
    }

    /** A read failed: if what is in the block's place is not a file, set it aside and answer missing. */
    private RuntimeException notAFileOr(Cid cid, Path path, IOException e) {
        if (Files.exists(path) && !Files.isRegularFile(path)) {
            quarantineIfCorrupt(cid);
            return new BlockNotFoundException(cid);
        }
        return new StorageException("cannot read block " + cid, path, e);
    }

    /** Fills {@code into} from the start of the file; a file shorter than it is a storage error. */
    private static void readFully(FileChannel ch, ByteBuffer into, Cid cid, Path path) throws IOException {
        long at = 0;
        while (into.hasRemaining()) {
            int n = ch.read(into, at);
            if (n < 0) {
                throw new StorageException("block file ended early while reading " + cid, path);
            }
            at += n;
        }
    }

    private static byte[] readFully(FileChannel ch, Cid cid, Path path) throws IOException {
        byte[] data = new byte[toIntSize(ch.size(), path)];
        int off = 0;
        while (off < data.length) {
            int n = ch.read(ByteBuffer.wrap(data, off, Math.min(IO_CHUNK, data.length - off)));
            if (n < 0) {
                throw new StorageException("block file of " + data.length + " bytes ended after " + off
                        + " bytes while reading " + cid, path);
            }
            off += n;
        }
        return data;
    }

    /**
     * A heap block in calls of at most {@value #IO_CHUNK} bytes (see "Reads" above); a native block
     * with gathering writes straight from its chunks, which need no temporary direct buffer.
     */
    private static void writeFully(FileChannel ch, Block block) throws IOException {
        if (!block.isNative()) {
            writeFully(ch, block.bytes());
            return;
        }
        ByteBuffer[] parts = block.chain().buffers();
        long left = block.size();
        while (left > 0) {
            left -= ch.write(parts);
        }
    }

    private static void writeFully(FileChannel ch, byte[] data) throws IOException {
        int off = 0;
        while (off < data.length) {
            off += ch.write(ByteBuffer.wrap(data, off, Math.min(IO_CHUNK, data.length - off)));
        }
    }

    private void syncDirectory(Path dir) {
        try {
            fsyncDirectory(dir);
            var observer = directorySyncObserver;
            if (observer != null) {
                observer.accept(dir);
            }
        } catch (IOException e) {
            throw new StorageException("cannot fsync the directory", dir, e);
        }
    }

    /** Makes renames and creations in {@code dir} durable (Linux and macOS accept fsync on a directory). */
    private static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    private static int toIntSize(long size, Path path) {
        if (size > Integer.MAX_VALUE - 8) {
            throw new StorageException("block file of " + size + " bytes is too large to be a block", path);
        }
        return (int) size;
    }

    private void ensureOpen() {
        if (closed) {
            throw new StoreClosedException("flatfs blockstore at " + flatfs);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // .temp is emptied on the next open
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception ignored) {
            // nothing useful to do while already failing or closing
        }
    }
}
