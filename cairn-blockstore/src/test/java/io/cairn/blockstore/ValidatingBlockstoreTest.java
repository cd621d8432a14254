package io.cairn.blockstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cairn.cid.Cid;
import io.cairn.cid.HashFunction;
import io.cairn.cid.Multicodec;

class ValidatingBlockstoreTest {
    static final byte[] MARS = "Hello Mars!\n".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path repo;

    @Test
    void aCorruptedFlatfsFileIsNeverReturned() throws Exception {
        Block mars = Block.raw(MARS);
        Path file;
        try (FlatFsBlockstore base = FlatFsBlockstore.open(repo, FlatFsOptions.defaults());
                ValidatingBlockstore store = new ValidatingBlockstore(base)) {
            store.put(mars);
            file = base.pathOf(mars.cid());
            assertThat(store.get(mars.cid()).bytes()).isEqualTo(MARS);

            // flip one bit on disk, as a failing disk would
            byte[] onDisk = Files.readAllBytes(file);
            onDisk[3] ^= 0x01;
            Files.write(file, onDisk);
            String expected = HexFormat.of().formatHex(mars.cid().multihash().digest());
            String actual = HexFormat.of().formatHex(HashFunction.SHA2_256.digest(onDisk));

            assertThatThrownBy(() -> store.get(mars.cid())).isInstanceOf(HashMismatchException.class)
                    .hasMessageContaining(expected).hasMessageContaining(actual)
                    .hasMessageContaining(mars.cid().toString());
            AtomicBoolean readerCalled = new AtomicBoolean();
            assertThatThrownBy(() -> store.view(mars.cid(), buf -> {
                readerCalled.set(true);
                return buf.remaining();
            })).isInstanceOf(HashMismatchException.class);
            assertThat(readerCalled).as("the reader never sees corrupt bytes").isFalse();

            // asking under another codec is the same file and the same refusal
            Cid dagPb = Cid.v1(Multicodec.DAG_PB, mars.cid().multihash());
            assertThatThrownBy(() -> store.get(dagPb)).isInstanceOf(HashMismatchException.class);
            // size and presence do not read the bytes, and the evidence is left in place
            assertThat(store.has(mars.cid())).isTrue();
            assertThat(store.getSize(mars.cid())).isEqualTo(MARS.length);
            assertThat(file).exists();
        }
        // a truncated file is caught too through the stack Blockstores builds, whose integrity layer
        // (below this one) quarantines it and answers "missing" instead (IntegrityOnReadTest)
        Files.write(file, new byte[0]);
        assertThat(HexFormat.of().formatHex(HashFunction.SHA2_256.digest(new byte[0]))).isNotEmpty();
        try (Blockstore stack = Blockstores.flatFs(repo, FlatFsOptions.builder().hashOnRead(true).build())) {
            assertThatThrownBy(() -> stack.get(mars.cid())).isInstanceOf(BlockNotFoundException.class);
            assertThat(file).doesNotExist();
            // putting the good bytes again repairs the file (its size differs)
            stack.put(mars);
            assertThat(stack.get(mars.cid()).bytes()).isEqualTo(MARS);
        }
    }

    @Test
    void putRefusesBytesThatDoNotMatchTheirCid() {
        MemoryBlockstore base = new MemoryBlockstore();
        try (ValidatingBlockstore store = new ValidatingBlockstore(base)) {
            Cid mars = Block.raw(MARS).cid();
            Block lie = Block.of(mars, "Hello Pluto!\n".getBytes(StandardCharsets.US_ASCII));
            assertThatThrownBy(() -> store.put(lie)).isInstanceOf(HashMismatchException.class);
            assertThatThrownBy(() -> store.putMany(List.of(Block.raw(new byte[1]), lie)))
                    .isInstanceOf(HashMismatchException.class);
            assertThat(base.count()).as("nothing from a batch with a bad block is stored").isZero();
            store.put(Block.of(mars, MARS.clone()));
            assertThat(store.get(mars).bytes()).isEqualTo(MARS);
        }
    }

    @Test
    void corruptionBehindATrustingStoreIsCaught() {
        MemoryBlockstore base = new MemoryBlockstore();
        try (ValidatingBlockstore store = new ValidatingBlockstore(base)) {
            Cid mars = Block.raw(MARS).cid();
            // stored below the validating layer, bypassing its put check
            base.put(Block.of(mars, "Hello Mars?\n".getBytes(StandardCharsets.US_ASCII)));
            assertThatThrownBy(() -> store.get(mars)).isInstanceOf(HashMismatchException.class);
            assertThatThrownBy(() -> store.view(mars, ByteBuffer::remaining)).isInstanceOf(HashMismatchException.class);
        }
    }
}
