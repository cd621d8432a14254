package io.cairn.blockstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cairn.cid.Cid;

class BlockstoresTest {
    @TempDir
    Path repo;

    @Test
    void theFlatfsStackAnswersIdentityCidsAndKeepsCapabilities() {
        try (Blockstore stack = Blockstores.flatFs(repo, FlatFsOptions.defaults())) {
            assertThat(stack).isInstanceOf(IdentityBlockstore.class).isInstanceOf(Viewer.class).isInstanceOf(GcLocker.class);
            Blockstore checked = ((ForwardingBlockstore) stack).delegate();
            assertThat(checked).as("hashOnRead is off by default; reads are always checked")
                    .isInstanceOf(IntegrityBlockstore.class);
            Blockstore below = ((ForwardingBlockstore) checked).delegate();
            assertThat(below).isInstanceOf(FlatFsBlockstore.class);

            Cid empty = Cid.parse("bafkqaaa");
            assertThat(stack.has(empty)).isTrue();
            assertThat(stack.get(empty).size()).isZero();

            Block b = Block.raw("stacked".getBytes(StandardCharsets.UTF_8));
            stack.put(b);
            assertThat(((Viewer) stack).view(b.cid(), ByteBuffer::remaining)).isEqualTo(7);
            try (GcLocker.Unlock gc = ((GcLocker) stack).gcLock()) {
                assertThat(((FlatFsBlockstore) below).gcRequested()).as("one lock for the whole stack").isTrue();
            }
        }
    }

    @Test
    void hashOnReadAddsTheValidatingLayerAndTheLimitComesFromTheOptions() {
        FlatFsOptions options = FlatFsOptions.builder().hashOnRead(true).blockSizeLimit(100).sync(false).build();
        try (Blockstore stack = Blockstores.flatFs(repo, options)) {
            assertThat(((ForwardingBlockstore) stack).delegate()).isInstanceOf(ValidatingBlockstore.class);
            stack.put(Block.raw(new byte[100]));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> stack.put(Block.raw(new byte[101])))
                    .isInstanceOf(BlockTooLargeException.class).hasMessageContaining("101").hasMessageContaining("100");
        }
    }

    @Test
    void theMemoryStackAnswersIdentityCids() {
        try (Blockstore stack = Blockstores.memory()) {
            assertThat(stack.getSize(Cid.parse("bafkqaaa"))).isZero();
            assertThat(((ForwardingBlockstore) stack).delegate()).isInstanceOf(MemoryBlockstore.class);
        }
    }
}
