package io.cairn.server;

import io.cairn.blockstore.Block;
import io.cairn.blockstore.Blockstore;
import io.cairn.car.CarBlock;
import io.cairn.car.CarReader;
import io.cairn.cid.Cid;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The UnixFS fixtures of cairn-blockstore/src/test/resources/unixfs (CARs built by
 * ipfs-unixfs-importer, with the CIDs and SHA-256s ipfs-unixfs-exporter reads back), for the
 * gateway tests. A missing fixture fails the test; it is never skipped.
 */
public final class UnixFsFixtures {
    static final Path DIR = Path.of("..", "cairn-blockstore", "src", "test", "resources", "unixfs");
    private static final Properties EXPECTED = new Properties();

    static {
        try (InputStream in = Files.newInputStream(DIR.resolve("fixtures.properties"))) {
            EXPECTED.load(in);
        } catch (IOException e) {
            throw new IllegalStateException("the UnixFS fixtures are missing from " + DIR.toAbsolutePath(), e);
        }
    }

    private UnixFsFixtures() {
    }

    public static String expected(String key) {
        String v = EXPECTED.getProperty(key);
        if (v == null) {
            throw new IllegalStateException("fixtures.properties has no " + key);
        }
        return v;
    }

    public static Cid cid(String key) {
        return Cid.parse(expected(key));
    }

    /** Every block of {@code name}.car, in file order. */
    public static List<Block> blocks(String name) throws IOException {
        List<Block> out = new ArrayList<>();
        try (InputStream in = Files.newInputStream(DIR.resolve(name + ".car"))) {
            CarReader car = CarReader.open(in);
            for (CarBlock b = car.next(); b != null; b = car.next()) {
                out.add(Block.verified(b.cid(), b.data()));
            }
        }
        return out;
    }

    /** Stores {@code name}.car and returns its root. */
    public static Cid load(String name, Blockstore store) throws IOException {
        for (Block b : blocks(name)) {
            store.put(b);
        }
        return cid(name + ".root");
    }

    /** Stores every block of {@code name}.car (a fixture with no properties, e.g. gateway-conformance's) and returns its first root. */
    public static Cid loadCar(String name, Blockstore store) throws IOException {
        try (InputStream in = Files.newInputStream(DIR.resolve(name + ".car"))) {
            CarReader car = CarReader.open(in);
            for (CarBlock b = car.next(); b != null; b = car.next()) {
                store.put(Block.verified(b.cid(), b.data()));
            }
            return car.roots().getFirst();
        }
    }
}
