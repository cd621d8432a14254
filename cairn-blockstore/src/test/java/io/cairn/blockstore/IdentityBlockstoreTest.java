package io.cairn.blockstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.cairn.cid.Cid;
import io.cairn.cid.HashFunction;
import io.cairn.cid.Multicodec;

class IdentityBlockstoreTest {

    @Test
    void theEmptyIdentityCidExistsWithZeroBytes() {
        MemoryBlockstore base = new MemoryBlockstore();
        try (IdentityBlockstore store = new IdentityBlockstore(base)) {
            Cid empty = Cid.parse("bafkqaaa");
            assertThat(empty.isIdentity()).isTrue();
            assertThat(store.has(empty)).isTrue();
            assertThat(store.getSize(empty)).isZero();
            Block b = store.get(empty);
            assertThat(b.cid()).isEqualTo(empty);
            assertThat(b.size()).isZero();
            assertThat(store.view(empty, ByteBuffer::remaining)).isZero();
            assertThat(base.has(empty)).isFalse();
        }
    }

    @Test
    void identityBlocksAreAnsweredFromTheCidAndNeverStored() {
        MemoryBlockstore base = new MemoryBlockstore();
        try (IdentityBlockstore store = new IdentityBlockstore(base)) {
            byte[] inline = "{\"tiny\":true}".getBytes(StandardCharsets.UTF_8);
            Cid id = Cid.of(Multicodec.DAG_JSON, HashFunction.IDENTITY, inline);
            assertThat(store.has(id)).isTrue();
            assertThat(store.get(id).bytes()).isEqualTo(inline);
            assertThat(store.getSize(id)).isEqualTo(inline.length);
            String viewed = store.view(id, buf -> {
                byte[] c = new byte[buf.remaining()];
                buf.get(c);
                return new String(c, StandardCharsets.UTF_8);
            });
            assertThat(viewed).isEqualTo("{\"tiny\":true}");

            Block normal = Block.raw("stored".getBytes(StandardCharsets.UTF_8));
            store.put(Block.of(id, inline));
            store.putMany(List.of(Block.of(id, inline), normal));
            assertThat(base.count()).as("only the non-identity block reaches the base store").isEqualTo(1);
            assertThat(base.has(normal.cid())).isTrue();
            try (Stream<Cid> keys = store.allKeys()) {
                assertThat(keys.toList()).containsExactly(normal.cid());
            }

            assertThat(store.delete(id)).isFalse();
            assertThat(store.has(id)).isTrue();
            assertThat(store.delete(normal.cid())).isTrue();
            assertThat(store.has(normal.cid())).isFalse();
        }
    }

    @Test
    void keepsTheCapabilitiesOfWhatItWraps() throws Exception {
        MemoryBlockstore base = new MemoryBlockstore();
        IdentityBlockstore store = new IdentityBlockstore(base);
        // one lock for the whole stack: a GC lock taken through the wrapper excludes pins on the base
        try (GcLocker.Unlock gc = store.gcLock()) {
            assertThat(base.gcRequested()).isTrue();
        }
        Block b = Block.raw("zero copy".getBytes(StandardCharsets.UTF_8));
        store.put(b);
        boolean readOnly = store.view(b.cid(), ByteBuffer::isReadOnly);
        assertThat(readOnly).isTrue();
        store.close();
        assertThat(base.toString()).contains("0 blocks");
    }

    @Test
    void aBaseWithoutCapabilitiesGetsACopyingViewAndItsOwnLock() {
        Blockstore plain = new ForwardingBlockstore(new MemoryBlockstore()) {
            // hides the memory store's Viewer and GcLocker behind the bare interface below
        };
        Blockstore bare = new BareStore(plain);
        try (IdentityBlockstore store = new IdentityBlockstore(bare)) {
            Block b = Block.raw("copied".getBytes(StandardCharsets.UTF_8));
            store.put(b);
            assertThat(store.view(b.cid(), ByteBuffer::remaining)).isEqualTo(6);
            try (GcLocker.Unlock gc = store.gcLock()) {
                assertThat(store.gcRequested()).isTrue();
            }
            assertThat(store.gcRequested()).isFalse();
        }
    }

    /** A store that implements nothing but {@link Blockstore}. */
    private record BareStore(Blockstore inner) implements Blockstore {
        @Override public boolean has(Cid cid) { return inner.has(cid); }
        @Override public Block get(Cid cid) { return inner.get(cid); }
        @Override public int getSize(Cid cid) { return inner.getSize(cid); }
        @Override public void put(Block block) { inner.put(block); }
        @Override public void putMany(java.util.Collection<Block> blocks) { inner.putMany(blocks); }
        @Override public boolean delete(Cid cid) { return inner.delete(cid); }
        @Override public Stream<Cid> allKeys() { return inner.allKeys(); }
        @Override public void close() { inner.close(); }
    }
}
