package io.cairn.bench.jmh;

import io.cairn.blockstore.Block;
import io.cairn.blockstore.Blockstore;
import io.cairn.blockstore.MemoryAwareBlockstore;
import io.cairn.blockstore.MemoryAwareConfig;
import io.cairn.memory.JvmMemoryGovernor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/** Shared setup for the benchmarks: random blocks, the memory-aware wrapping, clean-up. */
final class StoreFixtures {
    private StoreFixtures() {
    }

    static Block[] randomBlocks(int count, int size, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Block[] out = new Block[count];
        for (int i = 0; i < count; i++) {
            byte[] data = new byte[size];
            for (int j = 0; j < size; j++) {
                data[j] = (byte) rnd.nextInt(256);
            }
            out[i] = Block.raw(data);
        }
        return out;
    }

    /** A store and whatever must be closed with it (the governor of a memory-aware wrapper). */
    record Wrapped(Blockstore store, AutoCloseable extra) implements AutoCloseable {
        @Override
        public void close() {
            store.close();
            if (extra != null) {
                try {
                    extra.close();
                } catch (Exception e) {
                    throw new IllegalStateException("closing " + extra, e);
                }
            }
        }
    }

    static Wrapped wrap(Blockstore base, String wrapper) {
        return switch (wrapper) {
            case "plain" -> new Wrapped(base, null);
            case "memory-aware" -> {
                JvmMemoryGovernor governor = JvmMemoryGovernor.start();
                yield new Wrapped(MemoryAwareBlockstore.wrap(base, governor, MemoryAwareConfig.defaults()), governor);
            }
            case "stack" -> {
                // the server's read path: content and has/size caches under the memory-aware layer
                JvmMemoryGovernor governor = JvmMemoryGovernor.start();
                yield new Wrapped(MemoryAwareBlockstore.stack(base, governor, MemoryAwareConfig.defaults()), governor);
            }
            default -> throw new IllegalArgumentException("wrapper must be plain, memory-aware or stack, got " + wrapper);
        };
    }

    static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
