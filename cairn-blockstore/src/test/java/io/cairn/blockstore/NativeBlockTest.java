package io.cairn.blockstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cairn.cid.Cid;
import io.cairn.cid.HashFunction;
import io.cairn.cid.Multicodec;
import io.cairn.cid.Multihash;
import io.cairn.memory.offheap.SegmentChain;

/** Blocks over native memory: a chain of segments with a lifetime, read in place, copied only when asked. */
class NativeBlockTest {
    final Arena arena = Arena.ofShared();
    final AtomicInteger released = new AtomicInteger();

    @AfterEach
    void close() {
        arena.close();
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** {@code data} in native segments of {@code chunk} bytes. */
    SegmentChain chain(byte[] data, int chunk) {
        List<MemorySegment> segments = new ArrayList<>();
        for (int at = 0; at < data.length; at += chunk) {
            int n = Math.min(chunk, data.length - at);
            MemorySegment s = arena.allocate(n);
            s.copyFrom(MemorySegment.ofArray(data).asSlice(at, n));
            segments.add(s);
        }
        return SegmentChain.of(segments, released::incrementAndGet);
    }

    @Test
    void aNativeBlockHashesInPlaceAndReadsLikeAHeapBlock() {
        byte[] data = random(300_000, 1);
        Block heap = Block.raw(data);
        try (Block b = Block.verifiedOver(heap.cid(), chain(data, 65536))) {
            assertThat(b.isNative()).isTrue();
            assertThat(b.size()).isEqualTo(data.length);
            assertThat(b.bytes()).isEqualTo(data).isNotSameAs(b.bytes());
            assertThat(b.copyBytes()).isEqualTo(data);
            assertThat(b).isEqualTo(heap);
            assertThat(heap).isEqualTo(b);
            try (BlockBytes view = b.open()) {
                ByteBuffer[] parts = view.buffers();
                assertThat(parts).hasSize(5).allMatch(ByteBuffer::isDirect).allMatch(ByteBuffer::isReadOnly);
                assertThat(view.isDirect()).isTrue();
                assertThat(view.size()).isEqualTo(data.length);
                assertThat(view.copy()).isEqualTo(data);
                assertThat(Multihash.digest(HashFunction.SHA2_256, parts, -1)).isEqualTo(heap.cid().multihash());
            }
            Block kept = b.onHeap();
            assertThat(kept.isNative()).isFalse();
            assertThat(kept.bytes()).isEqualTo(data);
            assertThat(released).hasValue(0);
        }
        assertThat(released).hasValue(1);
    }

    @Test
    void aMismatchIsRefusedAndTheChainStaysTheCallers() {
        byte[] data = random(5000, 2);
        Cid other = Cid.of(Multicodec.RAW, HashFunction.SHA2_256, random(5000, 3));
        SegmentChain c = chain(data, 4096);
        assertThatThrownBy(() -> Block.verifiedOver(other, c)).isInstanceOf(HashMismatchException.class);
        assertThat(c.isOpen()).isTrue();
        c.close();
        assertThat(released).hasValue(1);
    }

    @Test
    void aClosedBlockCannotBeRead() {
        byte[] data = random(100, 4);
        Block b = Block.over(Cid.of(Multicodec.RAW, HashFunction.SHA2_256, data), chain(data, 64));
        b.close();
        b.close();
        assertThat(released).hasValue(1);
        assertThatThrownBy(b::bytes).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(b::open).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void flatfsWritesANativeBlockWithAGatheringWriteAndReadsItBack(@TempDir Path dir) throws Exception {
        byte[] data = random(1 << 20, 5);
        Cid cid = Block.raw(data).cid();
        try (Blockstore store = Blockstores.layered(Blockstores.flatFs(dir, FlatFsOptions.defaults()), true)) {
            try (Block b = Block.over(cid, chain(data, 65536))) {
                store.put(b);
                store.put(b); // an intact copy is there: compared in place, not rewritten
            }
            assertThat(store.get(cid).bytes()).isEqualTo(data);
        }
        try (var files = Files.walk(dir)) {
            assertThat(files.filter(p -> p.toString().endsWith(".data")).toList()).hasSize(1);
        }
    }

    @Test
    void flatfsViewsReadSmallBlocksIntoNativeMemoryForTheCallOnly(@TempDir Path dir) {
        byte[] data = random(200_000, 9);
        Cid cid = Block.raw(data).cid();
        try (FlatFsBlockstore fs = FlatFsBlockstore.open(dir, FlatFsOptions.builder().sync(false).build())) {
            fs.put(Block.of(cid, data));
            byte[] seen = fs.view(cid, buf -> {
                assertThat(buf.isDirect()).as("read into native memory, not a heap array").isTrue();
                assertThat(buf.isReadOnly()).isTrue();
                assertThat(fs.readBufferBytes()).isPositive();
                byte[] out = new byte[buf.remaining()];
                buf.duplicate().get(out);
                return out;
            });
            assertThat(seen).isEqualTo(data);
            assertThat(fs.readBufferBytes()).as("one spare region at most").isLessThanOrEqualTo(1 << 20);
            assertThat(fs.view(cid, ByteBuffer::remaining)).isEqualTo(data.length);
        }
    }

    @Test
    void aValidatingStoreRefusesANativeBlockThatDoesNotHashToItsCid() {
        byte[] data = random(70_000, 6);
        Cid wrong = Cid.of(Multicodec.RAW, HashFunction.SHA2_256, random(70_000, 7));
        Blockstore store = Blockstores.layered(Blockstores.memory(), true);
        try (Block b = Block.over(wrong, chain(data, 65536))) {
            assertThatThrownBy(() -> store.put(b)).isInstanceOf(HashMismatchException.class);
        }
        assertThat(store.has(wrong)).isFalse();
    }

    @Test
    void aMemoryStoreKeepsAHeapCopyOfANativeBlock() {
        byte[] data = random(10_000, 8);
        Cid cid = Block.raw(data).cid();
        Blockstore store = Blockstores.memory();
        try (Block b = Block.over(cid, chain(data, 4096))) {
            store.put(b);
        }
        assertThat(released).hasValue(1);
        Block got = store.get(cid);
        assertThat(got.isNative()).isFalse();
        assertThat(got.bytes()).isEqualTo(data);
    }
}
