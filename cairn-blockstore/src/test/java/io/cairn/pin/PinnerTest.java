package io.cairn.pin;

import io.cairn.blockstore.Block;
import io.cairn.blockstore.BlockNotFoundException;
import io.cairn.blockstore.Blockstore;
import io.cairn.blockstore.MemoryBlockstore;
import io.cairn.cid.Cid;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Kubo's pin rules over dag-pb and dag-cbor DAGs. */
class PinnerTest {
    final Blockstore store = new MemoryBlockstore();
    final Pinner pinner = new Pinner(store, PinStore.inMemory(), new SweepGuard());

    /** root(dag-pb) -> [a(raw), mid(dag-cbor) -> [b(raw)]] */
    record Tree(Block root, Block a, Block mid, Block b) {
    }

    Tree tree(String salt) {
        Block a = Dags.raw("a " + salt);
        Block b = Dags.raw("b " + salt);
        Block mid = Dags.cbor(List.of(b.cid()), salt);
        Block root = Dags.pb(List.of(a.cid(), mid.cid()), salt);
        for (Block x : List.of(root, a, mid, b)) {
            store.put(x);
        }
        return new Tree(root, a, mid, b);
    }

    @Test
    void recursivePinsFollowDagPbAndDagCborLinks() {
        Tree t = tree("1");
        pinner.pin(t.root().cid(), true);
        assertThat(pinner.list(PinType.RECURSIVE)).extracting(Pinner.Pin::cid).containsExactly(t.root().cid());
        assertThat(pinner.list(PinType.INDIRECT)).extracting(Pinner.Pin::cid)
                .containsExactlyInAnyOrder(t.a().cid(), t.mid().cid(), t.b().cid());
        assertThat(pinner.find(t.b().cid(), null)).get().extracting(Pinner.Pin::kuboType)
                .isEqualTo("indirect through " + t.root().cid());
        assertThat(pinner.find(t.b().cid(), PinType.DIRECT)).isEmpty();
        assertThat(pinner.list(null)).hasSize(4);
    }

    @Test
    void aRecursivePinNeedsTheWholeDag() {
        Tree t = tree("2");
        store.delete(t.b().cid());
        assertThatThrownBy(() -> pinner.pin(t.root().cid(), true)).isInstanceOf(BlockNotFoundException.class);
        assertThat(pinner.list(null)).isEmpty();
    }

    @Test
    void directAndRecursiveFollowKubosRules() {
        Tree t = tree("3");
        Cid root = t.root().cid();
        pinner.pin(root, false);
        assertThat(pinner.list(PinType.DIRECT)).extracting(Pinner.Pin::cid).containsExactly(root);
        assertThat(pinner.list(PinType.INDIRECT)).isEmpty();
        pinner.pin(root, true); // upgrades the direct pin
        assertThat(pinner.list(PinType.DIRECT)).isEmpty();
        assertThatThrownBy(() -> pinner.pin(root, false)).isInstanceOf(PinException.class)
                .hasMessageContaining("already pinned recursively");
        assertThatThrownBy(() -> pinner.unpin(root, false)).isInstanceOf(PinException.class)
                .hasMessageContaining("is pinned recursively");
        assertThatThrownBy(() -> pinner.unpin(t.a().cid(), true)).isInstanceOf(PinException.class)
                .hasMessage("not pinned or pinned indirectly");
        pinner.unpin(root, true);
        assertThat(pinner.list(null)).isEmpty();
        assertThatThrownBy(() -> pinner.pin(Dags.raw("absent").cid(), false)).isInstanceOf(BlockNotFoundException.class);
    }
}
