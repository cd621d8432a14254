package io.cairn.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/** A real server on 127.0.0.1, ephemeral ports and a fresh data directory, for one test class. */
public final class ServerExtension implements AutoCloseable {
    public final Path dir;
    public final CairnServer server;

    public ServerExtension(UnaryOperator<ServerConfig> tweak) throws Exception {
        dir = Files.createTempDirectory("cairn-server-test");
        server = CairnServer.start(tweak.apply(ServerConfig.defaults(dir).withPorts(0, 0)));
    }

    public ServerExtension() throws Exception {
        this(c -> c);
    }

    /** Stores a block of {@code size} random bytes (seeded, so reproducible) and returns it. */
    public io.cairn.blockstore.Block putRandomBlock(int size, long seed) {
        byte[] bytes = new byte[size];
        new java.util.Random(seed).nextBytes(bytes);
        io.cairn.blockstore.Block b = io.cairn.blockstore.Block.raw(bytes);
        server.blockstore().put(b);
        return b;
    }

    @Override
    public void close() throws java.io.IOException {
        server.close();
        deleteTree(dir);
    }

    public static void deleteTree(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
