package io.cairn.blockstore;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.cid.Cid;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A content miss through {@code view} over a store that is no {@link Viewer}: the bytes come from
 * the store's {@code get}. Before, the miss went through {@code ForwardingBlockstore.view}, whose
 * fallback called the caching layer's own {@code get}, which waited for the miss's own load: the
 * call never returned (`./cairn bench memory`'s off-heap probe hung on it).
 */
class CachingOverPlainStoreTest {

    /** A store with nothing but the {@link Blockstore} methods. */
    private static final class Plain implements Blockstore {
        private final MemoryBlockstore inner = new MemoryBlockstore(BlockSizeLimit.DEFAULT);

        @Override public boolean has(Cid cid) { return inner.has(cid); }
        @Override public Block get(Cid cid) { return inner.get(cid); }
        @Override public int getSize(Cid cid) { return inner.getSize(cid); }
        @Override public void put(Block block) { inner.put(block); }
        @Override public void putMany(Collection<Block> blocks) { inner.putMany(blocks); }
        @Override public boolean delete(Cid cid) { return inner.delete(cid); }
        @Override public Stream<Cid> allKeys() { return inner.allKeys(); }
        @Override public void close() { inner.close(); }
    }

    @Test
    void aMissOverAStoreWithoutViewsIsServedAndCached() throws Exception {
        Plain plain = new Plain();
        Block block = Block.raw(new byte[5000]);
        plain.put(block);
        try (CachingBlockstore store = CachingBlockstore.wrap(plain,
                CachingBlockstore.Options.defaults().withContentCacheBytes(4L << 20))) {
            Integer size = CompletableFuture.supplyAsync(() -> store.view(block.cid(), ByteBuffer::remaining))
                    .get(30, TimeUnit.SECONDS);
            assertThat(size).isEqualTo(5000);
            assertThat(store.contentCached(block.cid())).isTrue();
        }
    }
}
