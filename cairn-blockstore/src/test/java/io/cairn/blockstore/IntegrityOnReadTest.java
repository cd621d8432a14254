package io.cairn.blockstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;

import io.cairn.cid.Cid;
import io.cairn.cid.Multicodec;
import io.cairn.memory.ManualMemoryGovernor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, defect 1: a block file damaged on disk (bytes flipped, truncated to 0, extended, a
 * directory in its place) must never be served or cached. Each read path (get, small view, mapped
 * view, getSize) of the server's stack (memory-aware, caching, identity, integrity, flatfs) answers
 * "missing", the file is in {@code DATA/quarantine}, the count rises, and a put of the right bytes
 * repairs the block.
 */
class IntegrityOnReadTest {
    private Path dir;
    private FlatFsBlockstore base;
    private ManualMemoryGovernor governor;
    private MemoryAwareBlockstore stack;

    @BeforeEach
    void open() throws Exception {
        dir = Files.createTempDirectory("cairn-integrity");
        base = FlatFsBlockstore.open(dir, FlatFsOptions.builder().sync(false).mapViewsFrom(64 * 1024).trackUsage(true).build());
        governor = new ManualMemoryGovernor(1L << 30);
        stack = MemoryAwareBlockstore.stack(Blockstores.layered(base, false), governor, MemoryAwareConfig.defaults());
    }

    @AfterEach
    void close() throws Exception {
        stack.close();
        governor.close();
        FlatFsBlockstoreTest.deleteRecursively(dir);
    }

    enum Damage {
        FLIP(f -> {
            byte[] b = read(f);
            b[b.length / 2] ^= 0x01;
            write(f, b);
        }),
        TRUNCATE_TO_ZERO(f -> write(f, new byte[0])),
        EXTEND(f -> {
            try {
                Files.write(f, new byte[] {42}, StandardOpenOption.APPEND);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }),
        DIRECTORY(f -> {
            try {
                Files.delete(f);
                Files.createDirectory(f);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });

        final Consumer<Path> apply;

        Damage(Consumer<Path> apply) {
            this.apply = apply;
        }
    }

    enum Read { GET, VIEW, SIZE }

    static Stream<Object[]> cases() {
        return Stream.of(Damage.values()).flatMap(d -> Stream.of(Read.values()).flatMap(r ->
                Stream.of(1000, 200_000).map(size -> new Object[] {d, r, size})));
    }

    @ParameterizedTest(name = "{0} then {1} of {2} bytes")
    @MethodSource("cases")
    void damagedBlockIsNeverServedAndAPutRepairsIt(Damage damage, Read read, int size) {
        Block block = block(size, 7);
        stack.put(block);
        damage.apply.accept(base.pathOf(block.cid()));
        long before = base.quarantinedBlocks();

        boolean sizeOfFileIsPlausible = damage != Damage.DIRECTORY;
        if (read == Read.SIZE && sizeOfFileIsPlausible) {
            // getSize trusts the file's length (documented): a regular file answers with its size,
            // without a read; the first read then finds the damage.
            assertThat(stack.getSize(block.cid())).isEqualTo((int) fileSize(base.pathOf(block.cid())));
            assertThatThrownBy(() -> stack.get(block.cid())).isInstanceOf(BlockNotFoundException.class);
        } else {
            assertThatThrownBy(() -> readOnce(read, block.cid())).isInstanceOf(BlockNotFoundException.class);
        }

        assertThat(base.quarantinedBlocks()).isEqualTo(before + 1);
        assertThat(Blockstores.integrityLayer(Blockstores.layered(base, false))).isNotNull();
        assertThat(Files.exists(base.pathOf(block.cid()))).as("moved out of blocks/").isFalse();
        try (Stream<Path> q = Files.list(dir.resolve("quarantine"))) {
            assertThat(q.map(p -> p.getFileName().toString()).toList())
                    .contains(base.pathOf(block.cid()).getFileName().toString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        // Nothing corrupt was cached: every path answers missing now.
        assertThat(stack.has(block.cid())).isFalse();
        assertThatThrownBy(() -> stack.get(block.cid())).isInstanceOf(BlockNotFoundException.class);
        assertThatThrownBy(() -> stack.getSize(block.cid())).isInstanceOf(BlockNotFoundException.class);

        stack.put(block);
        assertThat(stack.get(block.cid()).bytes()).isEqualTo(block.bytes());
        assertThat(stack.view(block.cid(), ByteBuffer::remaining)).isEqualTo(size);
        assertThat(stack.getSize(block.cid())).isEqualTo(size);
    }

    private Object readOnce(Read read, Cid cid) {
        return switch (read) {
            case GET -> stack.get(cid);
            case VIEW -> stack.view(cid, b -> {
                throw new AssertionError("a corrupt buffer reached the reader");
            });
            case SIZE -> stack.getSize(cid);
        };
    }

    /** Today's flatfs dedup skipped a put when a same-size file was there, so a flip was never repaired. */
    @Test
    void putOfTheRightBytesRepairsASameSizeCorruptFileEvenBeforeAnyRead() {
        Block block = block(4096, 3);
        stack.put(block);
        Damage.FLIP.apply.accept(base.pathOf(block.cid()));
        stack.put(block);
        assertThat(read(base.pathOf(block.cid()))).isEqualTo(block.bytes());
        assertThat(stack.get(block.cid()).bytes()).isEqualTo(block.bytes());
        assertThat(base.quarantinedBlocks()).isZero();
    }

    /** After a restore on disk, the cache must not hold on to earlier corrupt bytes (it never got them). */
    @Test
    void restoringTheFileServesTheRightBytesAgain() {
        Block block = block(4096, 5);
        stack.put(block);
        Path f = base.pathOf(block.cid());
        Damage.FLIP.apply.accept(f);
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> stack.get(block.cid())).isInstanceOf(BlockNotFoundException.class);
        }
        write(f, block.bytes());
        // The "absent" the has/size cache learnt is dropped by the next put; without one the store
        // is asked again once the entry is gone. Here the operator's restore is followed by a put.
        stack.put(block);
        assertThat(stack.get(block.cid()).bytes()).isEqualTo(block.bytes());
    }

    @Test
    void usageFollowsPutsDeletesAndQuarantine() {
        Block a = block(1000, 1);
        Block b = block(3000, 2);
        stack.put(a);
        stack.put(b);
        stack.put(a);
        assertThat(base.usedBytes()).isEqualTo(4000);
        Damage.FLIP.apply.accept(base.pathOf(b.cid()));
        assertThatThrownBy(() -> stack.get(b.cid())).isInstanceOf(BlockNotFoundException.class);
        assertThat(base.usedBytes()).isEqualTo(1000);
        stack.delete(a.cid());
        assertThat(base.usedBytes()).isZero();
        assertThat(base.scanUsage()).isZero();
    }

    @Test
    void memoryStoreDropsACorruptEntry() {
        MemoryBlockstore mem = new MemoryBlockstore();
        byte[] data = "heap bytes".getBytes();
        Block b = Block.of(Block.raw(data.clone()).cid(), data);
        mem.put(b);
        data[0] ^= 1; // a caller broke the immutability contract
        Blockstore checked = IntegrityBlockstore.over(mem);
        assertThatThrownBy(() -> checked.get(b.cid())).isInstanceOf(BlockNotFoundException.class);
        assertThat(mem.has(b.cid())).isFalse();
        assertThat(((IntegrityBlockstore) checked).corruptBlocks()).isEqualTo(1);
    }

    @Test
    void otherCodecsOfTheSameMultihashAreCheckedToo() {
        Block block = block(500, 9);
        stack.put(block);
        Damage.FLIP.apply.accept(base.pathOf(block.cid()));
        Cid asDagPb = Cid.v1(Multicodec.DAG_PB, block.cid().multihash());
        assertThatThrownBy(() -> stack.get(asDagPb)).isInstanceOf(BlockNotFoundException.class);
        assertThat(List.of(base.quarantinedBlocks())).containsExactly(1L);
    }

    static Block block(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return Block.raw(data);
    }

    private static long fileSize(Path f) {
        try {
            return Files.size(f);
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }

    static byte[] read(Path f) {
        try {
            return Files.readAllBytes(f);
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }

    static void write(Path f, byte[] b) {
        try {
            Files.write(f, b);
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }
}
