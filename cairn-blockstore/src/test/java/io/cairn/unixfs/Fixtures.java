package io.cairn.unixfs;

import io.cairn.blockstore.Block;
import io.cairn.blockstore.MemoryBlockstore;
import io.cairn.car.CarBlock;
import io.cairn.car.CarReader;
import io.cairn.cid.Cid;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The UnixFS fixtures of src/test/resources/unixfs: CARs built by ipfs-unixfs-importer (see
 * cairn-server/src/test/js/make-unixfs-fixtures.mjs) and, in fixtures.properties, the CIDs and
 * content hashes ipfs-unixfs-exporter reads back from them.
 */
public final class Fixtures {
    private static final Properties EXPECTED = new Properties();

    static {
        try (InputStream in = Fixtures.class.getResourceAsStream("/unixfs/fixtures.properties")) {
            if (in == null) {
                throw new IllegalStateException("unixfs/fixtures.properties is missing from the test resources");
            }
            EXPECTED.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Fixtures() {
    }

    /** The expected value of a key, failing if the fixture does not have it. */
    public static String expected(String key) {
        String v = EXPECTED.getProperty(key);
        if (v == null) {
            throw new IllegalStateException("unixfs/fixtures.properties has no " + key);
        }
        return v;
    }

    /** Loads {@code name}.car into {@code store} and returns its root (checked against fixtures.properties). */
    public static Cid load(String name, MemoryBlockstore store) throws IOException {
        try (InputStream in = Fixtures.class.getResourceAsStream("/unixfs/" + name + ".car")) {
            if (in == null) {
                throw new IllegalStateException("unixfs/" + name + ".car is missing from the test resources");
            }
            CarReader car = CarReader.open(in);
            for (CarBlock b = car.next(); b != null; b = car.next()) {
                store.put(Block.verified(b.cid(), b.data()));
            }
            Cid root = car.roots().get(0);
            if (!root.equals(Cid.parse(expected(name + ".root")))) {
                throw new IllegalStateException(name + ".car's root " + root + " is not the recorded one");
            }
            return root;
        }
    }
}
