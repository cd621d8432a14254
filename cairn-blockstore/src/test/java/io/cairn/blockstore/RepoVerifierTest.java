package io.cairn.blockstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.cairn.cid.Cid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepoVerifierTest {
    @TempDir
    Path repo;

    @Test
    void findsAndQuarantinesEveryCorruptBlockAndCountsTheRest() throws Exception {
        try (FlatFsBlockstore base = FlatFsBlockstore.open(repo, FlatFsOptions.builder().sync(false).build())) {
            Blockstore stack = Blockstores.layered(base, false);
            List<Block> blocks = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                Block b = IntegrityOnReadTest.block(i == 7 ? 700_000 : 1000 + i, i);
                stack.put(b);
                blocks.add(b);
            }
            IntegrityOnReadTest.Damage.FLIP.apply.accept(base.pathOf(blocks.get(3).cid()));
            IntegrityOnReadTest.Damage.DIRECTORY.apply.accept(base.pathOf(blocks.get(5).cid()));
            IntegrityOnReadTest.Damage.TRUNCATE_TO_ZERO.apply.accept(base.pathOf(blocks.get(7).cid()));

            List<Cid> corrupt = new ArrayList<>();
            RepoVerifier.Report report = RepoVerifier.of(stack).run(new RepoVerifier.Listener() {
                @Override
                public void corrupt(Cid cid) {
                    corrupt.add(cid);
                }
            });
            assertThat(report.checked()).isEqualTo(20);
            assertThat(report.corrupt()).isEqualTo(3);
            assertThat(report.intact()).isEqualTo(17);
            assertThat(report.ok()).isFalse();
            assertThat(corrupt).extracting(Cid::multihash).containsExactlyInAnyOrder(
                    blocks.get(3).cid().multihash(), blocks.get(5).cid().multihash(), blocks.get(7).cid().multihash());
            try (var q = Files.list(repo.resolve("quarantine"))) {
                assertThat(q.count()).isEqualTo(3);
            }
            RepoVerifier.Report again = RepoVerifier.of(stack).run(new RepoVerifier.Listener() { });
            assertThat(again.ok()).isTrue();
            assertThat(again.checked()).isEqualTo(17);
        }
    }
}
