package io.cairn.unixfs;

import io.cairn.blockstore.Block;
import io.cairn.blockstore.MemoryBlockstore;
import io.cairn.car.CarBlock;
import io.cairn.car.CarReader;
import io.cairn.cid.Cid;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A known answer for the HAMT builder from a directory Kubo sharded: gateway-conformance's
 * {@code single-layer-hamt-with-multi-block-files.car} (see src/test/resources/unixfs/README.md). The
 * entries are read out of Kubo's HAMT and sharded again by {@link HamtBuilder}: the root CID and every
 * shard block must come out identical, which checks the murmur3 placement, the bitfield, the link
 * labels and order, and the Tsizes against Kubo rather than only against the JavaScript importer.
 */
class KuboHamtKnownAnswerTest {
    @Test
    void rebuildingKubosHamtFromItsEntriesGivesKubosBlocks() throws Exception {
        MemoryBlockstore store = new MemoryBlockstore();
        Cid root;
        try (InputStream in = getClass().getResourceAsStream("/unixfs/conformance-single-layer-hamt-with-multi-block-files.car")) {
            assertThat(in).as("the fixture is in the test resources").isNotNull();
            CarReader car = CarReader.open(in);
            for (CarBlock b = car.next(); b != null; b = car.next()) {
                store.put(Block.verified(b.cid(), b.data()));
            }
            root = car.roots().getFirst();
        }
        Block kubo = store.get(root);
        assertThat(UnixFs.kind(kubo)).isEqualTo(UnixFs.Kind.HAMT_DIRECTORY);
        List<Block> kuboShards = new ArrayList<>();
        List<UnixFsImporter.Entry> entries = new ArrayList<>();
        UnixFs.list(BlockSource.of(store), kubo, kuboShards::add,
                e -> entries.add(new UnixFsImporter.Entry(e.name(), new UnixFsImporter.Node(e.cid(), 0, e.tsize()))));
        assertThat(entries).hasSizeGreaterThan(100);

        List<Block> ours = new ArrayList<>();
        ImportParams p = root.version() == 0 ? ImportParams.KUBO : ImportParams.KUBO_V1;
        UnixFsImporter.Node rebuilt = HamtBuilder.build(entries, p, ours::add);
        assertThat(rebuilt.cid()).isEqualTo(root);
        assertThat(ours.getLast().bytes()).isEqualTo(kubo.bytes());
        List<Cid> kuboIds = new ArrayList<>(kuboShards.stream().map(Block::cid).toList());
        kuboIds.add(root);
        assertThat(ours.stream().map(Block::cid).toList()).containsExactlyInAnyOrderElementsOf(kuboIds);
    }
}
