package io.cairn.server.ipns;

import io.cairn.ipns.Ed25519Key;
import io.cairn.ipns.IpnsName;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The IPNS signing keys, {@code DATA/keystore/key_{name}}: one libp2p {@code PrivateKey} protobuf
 * (Ed25519, seed and public key) per file, readable by the server's user only. {@code self}, the key
 * {@code name/publish} uses by default, is made on first use.
 */
public final class KeyStore {
    public static final String SELF = "self";
    private static final String PREFIX = "key_";

    private final Path dir;

    public KeyStore(Path dir) {
        this.dir = dir;
    }

    /** A named key pair: the name it was given and the IPNS name it signs for. */
    public record Key(String name, IpnsName id, byte[] privateData) {
    }

    /** @throws IllegalArgumentException when {@code name} is not usable as a key name */
    static String checkName(String name) {
        if (name == null || name.isEmpty() || name.length() > 64 || !name.matches("[A-Za-z0-9._-]+") || name.startsWith(".")) {
            throw new IllegalArgumentException("key name '" + name + "' must be 1 to 64 letters, digits, '.', '_' or '-', "
                    + "not starting with '.'");
        }
        return name;
    }

    /**
     * Generates and stores a new Ed25519 key.
     *
     * @throws IllegalArgumentException a bad name, {@code self}, or a name already taken
     */
    public synchronized Key generate(String name) throws IOException {
        checkName(name);
        if (name.equals(SELF)) {
            throw new IllegalArgumentException("cannot create key with name 'self'");
        }
        if (Files.exists(file(name))) {
            throw new IllegalArgumentException("key with name '" + name + "' already exists");
        }
        return store(name);
    }

    /** The key named {@code name} ({@code self} made if missing), or empty. */
    public synchronized Optional<Key> get(String name) throws IOException {
        checkName(name);
        Path f = file(name);
        if (!Files.exists(f)) {
            return name.equals(SELF) ? Optional.of(store(SELF)) : Optional.empty();
        }
        byte[] data = Ed25519Key.unmarshal(Files.readAllBytes(f), 64);
        return Optional.of(new Key(name, IpnsName.ofEd25519(Ed25519Key.publicOf(data)), data));
    }

    /** Every key, {@code self} first, then by name. */
    public synchronized List<Key> list() throws IOException {
        List<Key> out = new ArrayList<>();
        out.add(get(SELF).orElseThrow());
        List<String> names = new ArrayList<>();
        try (Stream<Path> s = Files.list(PrivateFiles.directory(dir))) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(PREFIX)).map(n -> n.substring(PREFIX.length()))
                    .filter(n -> !n.equals(SELF)).sorted().forEach(names::add);
        }
        for (String n : names) {
            get(n).ifPresent(out::add);
        }
        return out;
    }

    /** Removes a key; {@code self} cannot be removed. @return the removed key, or empty */
    public synchronized Optional<Key> remove(String name) throws IOException {
        if (SELF.equals(name)) {
            throw new IllegalArgumentException("cannot remove key with name 'self'");
        }
        Optional<Key> k = get(name);
        if (k.isPresent()) {
            Files.delete(file(name));
        }
        return k;
    }

    private Key store(String name) throws IOException {
        byte[] data = Ed25519Key.generate();
        PrivateFiles.directory(dir);
        PrivateFiles.write(file(name), Ed25519Key.marshal(data), false);
        return new Key(name, IpnsName.ofEd25519(Ed25519Key.publicOf(data)), data);
    }

    private Path file(String name) {
        return dir.resolve(PREFIX + name);
    }
}
