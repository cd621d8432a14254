package io.cairn.pin;

import io.cairn.cid.Cid;
import io.cairn.cid.InvalidCidException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * The on-disk form of the pin set: a small text file written whole, crash-safely.
 *
 * <pre>
 * cairn-pins 1
 * recursive bafy...
 * direct bafk...
 * end 2 1a2b3c4d
 * </pre>
 *
 * The last line counts the pin lines and carries the CRC-32 of everything before it. A write goes to
 * {@code NAME.tmp}, is forced to disk, renamed over {@code NAME} atomically, and the directory is
 * forced too, so after a crash the file is either the old set or the new one, never a mixture. A file
 * that fails its check is refused, not repaired: starting with fewer pins than were acknowledged would
 * let the next collection delete pinned blocks.
 */
final class PinFile {
    private static final String HEADER = "cairn-pins 1";

    private final Path file;
    private final Path temp;

    PinFile(Path file) {
        this.file = file;
        this.temp = file.resolveSibling(file.getFileName() + ".tmp");
    }

    record Contents(Set<Cid> recursive, Set<Cid> direct) {
    }

    Path path() {
        return file;
    }

    /** The pins on disk, or empty sets when there is no file yet. A leftover temp file is removed. */
    Contents load() {
        try {
            Files.deleteIfExists(temp);
            List<String> lines;
            try {
                lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                return new Contents(new LinkedHashSet<>(), new LinkedHashSet<>());
            }
            return parse(lines);
        } catch (IOException e) {
            throw new PinStoreException("cannot read the pin file " + file.getFileName() + ": " + why(e), e);
        }
    }

    private Contents parse(List<String> lines) {
        if (lines.isEmpty() || !lines.getFirst().equals(HEADER)) {
            throw damaged("it does not start with '" + HEADER + "'");
        }
        String last = lines.getLast();
        String[] end = last.split(" ");
        if (lines.size() < 2 || end.length != 3 || !end[0].equals("end")) {
            throw damaged("its last line is not 'end <count> <crc32>'");
        }
        CRC32 crc = new CRC32();
        Set<Cid> recursive = new LinkedHashSet<>();
        Set<Cid> direct = new LinkedHashSet<>();
        for (int i = 0; i < lines.size() - 1; i++) {
            String line = lines.get(i);
            crc.update((line + "\n").getBytes(StandardCharsets.UTF_8));
            if (i == 0) {
                continue;
            }
            int space = line.indexOf(' ');
            String kind = space < 0 ? line : line.substring(0, space);
            Cid cid;
            try {
                cid = Cid.parse(line.substring(space + 1));
            } catch (InvalidCidException | StringIndexOutOfBoundsException e) {
                throw damaged("line " + (i + 1) + " does not hold a CID");
            }
            switch (kind) {
                case "recursive" -> recursive.add(cid);
                case "direct" -> direct.add(cid);
                default -> throw damaged("line " + (i + 1) + " has an unknown pin type '" + kind + "'");
            }
        }
        long count;
        long sum;
        try {
            count = Long.parseLong(end[1]);
            sum = Long.parseLong(end[2], 16);
        } catch (NumberFormatException e) {
            throw damaged("its last line is not 'end <count> <crc32>'");
        }
        if (count != lines.size() - 2 || sum != crc.getValue()) {
            throw damaged("its count or checksum does not match its contents");
        }
        return new Contents(recursive, direct);
    }

    private PinStoreException damaged(String why) {
        return new PinStoreException("the pin file " + file.getFileName() + " is damaged (" + why
                + "); Cairn will not guess which blocks are pinned. Restore it from a backup, or move it away to start"
                + " with no pins (a collection would then delete every block)");
    }

    /** Replaces the file with these pins, durably, before returning. */
    void write(Set<Cid> recursive, Set<Cid> direct) {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (Cid c : recursive) {
            sb.append("recursive ").append(c).append('\n');
        }
        for (Cid c : direct) {
            sb.append("direct ").append(c).append('\n');
        }
        byte[] body = sb.toString().getBytes(StandardCharsets.UTF_8);
        CRC32 crc = new CRC32();
        crc.update(body);
        byte[] end = ("end " + (recursive.size() + direct.size()) + " " + Long.toHexString(crc.getValue()) + "\n")
                .getBytes(StandardCharsets.UTF_8);
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer b = ByteBuffer.allocate(body.length + end.length).put(body).put(end).flip();
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new PinStoreException("the file system of " + file.getFileName() + " cannot rename atomically", e);
            }
            forceDirectory(file.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new PinStoreException("cannot write the pin file " + file.getFileName() + ": " + why(e), e);
        }
    }

    /** The operating system's reason, without the absolute path a file-system exception's message carries. */
    private static String why(IOException e) {
        if (e instanceof FileSystemException f) {
            return f.getClass().getSimpleName() + (f.getReason() == null ? "" : " (" + f.getReason() + ")");
        }
        return e.getClass().getSimpleName();
    }

    private static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some platforms cannot open a directory for syncing; the rename itself is still atomic.
        }
    }
}
