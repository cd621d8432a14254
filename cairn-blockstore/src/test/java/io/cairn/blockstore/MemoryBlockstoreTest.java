package io.cairn.blockstore;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MemoryBlockstoreTest extends BlockstoreContractTest {

    @Override
    protected Blockstore create(BlockSizeLimit limit) {
        return new MemoryBlockstore(limit);
    }

    @Test
    void getAndViewShareTheStoredArrayInsteadOfCopying() throws Exception {
        MemoryBlockstore store = (MemoryBlockstore) newStore();
        Block b = text("shared");
        store.put(b);
        assertThat(store.get(b.cid()).bytes()).isSameAs(b.bytes());
        assertThat(store.count()).isEqualTo(1);
    }
}
