package io.cairn.server.ipns;

import io.cairn.ipns.IpnsName;
import io.cairn.ipns.IpnsRecord;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/**
 * The IPNS records this node knows, {@code DATA/ipns/{name}}: each verified before it is kept, and
 * kept only if it supersedes the one already there (a higher sequence, or the same with a later
 * validity), as Kubo's record comparison does.
 */
public final class RecordStore {
    private final Path dir;
    private final Clock clock;

    public RecordStore(Path dir, Clock clock) {
        this.dir = dir;
        this.clock = clock;
    }

    /**
     * Verifies and stores {@code bytes} as the record of {@code name}.
     *
     * @throws io.cairn.ipns.InvalidIpnsRecordException a record that does not verify for {@code name}
     * @throws IllegalStateException a record older than the one stored
     */
    public synchronized IpnsRecord put(IpnsName name, byte[] bytes) throws IOException {
        IpnsRecord r = IpnsRecord.verified(bytes, name, clock.instant());
        Optional<IpnsRecord> old = stored(name);
        if (old.isPresent() && !r.supersedes(old.get()) && !java.util.Arrays.equals(old.get().bytes(), bytes)) {
            throw new IllegalStateException("the record for " + name + " has sequence " + r.sequence()
                    + ", not newer than the stored one (sequence " + old.get().sequence() + ")");
        }
        PrivateFiles.directory(dir);
        PrivateFiles.write(dir.resolve(name.toString()), bytes, true);
        return r;
    }

    /**
     * The stored record of {@code name}, verified now.
     *
     * @return empty when none is stored
     * @throws io.cairn.ipns.InvalidIpnsRecordException it has expired since (or the file was damaged)
     */
    public Optional<IpnsRecord> get(IpnsName name) throws IOException {
        Path f = dir.resolve(name.toString());
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        return Optional.of(IpnsRecord.verified(Files.readAllBytes(f), name, clock.instant()));
    }

    /** The stored record without the expiry check (for the next sequence number). */
    synchronized Optional<IpnsRecord> stored(IpnsName name) throws IOException {
        Path f = dir.resolve(name.toString());
        return Files.exists(f) ? Optional.of(IpnsRecord.parse(Files.readAllBytes(f))) : Optional.empty();
    }
}
