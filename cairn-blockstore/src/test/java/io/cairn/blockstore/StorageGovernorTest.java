package io.cairn.blockstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorageGovernorTest {
    @TempDir
    Path repo;

    @Test
    void refusesPastTheLimitLetsDuplicatesThroughAndResumesAfterRemovals() {
        try (FlatFsBlockstore base = FlatFsBlockstore.open(repo, FlatFsOptions.builder().sync(false).trackUsage(true).build())) {
            StorageGovernor governor = StorageGovernor.over(base, StorageLimits.of(10_000, 50));
            List<StorageStatus> signals = new ArrayList<>();
            governor.addWatermarkListener(signals::add);
            Blockstore store = new StorageLimitedBlockstore(Blockstores.layered(base, false), governor);

            Block a = IntegrityOnReadTest.block(4000, 1);
            Block b = IntegrityOnReadTest.block(4000, 2);
            Block c = IntegrityOnReadTest.block(4000, 3);
            store.put(a);
            assertThat(signals).isEmpty();
            store.put(b);
            assertThat(signals).as("crossed 50 % of 10,000").hasSize(1);
            assertThat(signals.getFirst().state()).isEqualTo(StorageStatus.State.ABOVE_WATERMARK);
            assertThat(governor.status().state()).isEqualTo(StorageStatus.State.ABOVE_WATERMARK);

            assertThatThrownBy(() -> store.put(c)).isInstanceOf(StorageFullException.class)
                    .hasMessageContaining("storage-max reached").hasMessageNotContaining(repo.toString())
                    .satisfies(e -> assertThat(((StorageFullException) e).reason()).isEqualTo(StorageFullException.Cause.LIMIT));
            assertThat(store.has(c.cid())).as("nothing of the refused block").isFalse();
            assertThat(signals).as("a refusal at the limit asks for GC again").hasSize(2);
            store.put(a); // a duplicate needs no space
            assertThat(governor.refusedWrites()).isEqualTo(1);

            store.delete(a.cid());
            store.put(c);
            assertThat(store.get(c.cid()).bytes()).isEqualTo(c.bytes());
            assertThat(base.usedBytes()).isEqualTo(8000);
        }
    }

    @Test
    void afterTheFileSystemReportsNoSpaceWritesResumeWhenRoomComesBack() {
        AtomicLong usable = new AtomicLong(100);
        StorageGovernor governor = new StorageGovernor(StorageLimits.unlimited(), () -> 0, usable::get);
        assertThat(governor.status().state()).isEqualTo(StorageStatus.State.OK);
        governor.noSpace(new StorageFullException(StorageFullException.Cause.NO_SPACE, "no space", java.time.Duration.ofSeconds(5)));
        assertThat(governor.status().full()).isTrue();
        assertThat(governor.status().reason()).contains("file system is full");
        assertThatThrownBy(() -> governor.admit(1000)).isInstanceOf(StorageFullException.class);
        governor.admit(50); // room for this one: it is tried
        usable.set(1 << 20);
        governor.admit(1000);
        governor.written();
        assertThat(governor.status().state()).isEqualTo(StorageStatus.State.OK);
    }

    @Test
    void limitsAreValidated() {
        assertThatThrownBy(() -> StorageLimits.of(-1, 90)).hasMessageContaining("storage-max");
        assertThatThrownBy(() -> StorageLimits.of(1000, 0)).hasMessageContaining("storage-gc-watermark");
        assertThatThrownBy(() -> StorageLimits.of(1000, 101)).hasMessageContaining("storage-gc-watermark");
        assertThat(StorageLimits.of(1000, 90).watermarkBytes()).isEqualTo(900);
    }
}
