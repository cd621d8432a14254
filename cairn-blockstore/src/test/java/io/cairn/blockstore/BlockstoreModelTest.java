package io.cairn.blockstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.cairn.cid.Cid;
import io.cairn.cid.Multicodec;
import io.cairn.cid.Multihash;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random sequences of operations against each store and against a plain map keyed by multihash;
 * after every step the store must answer as the map does.
 */
class BlockstoreModelTest {
    private static final long[] CODECS = {Multicodec.RAW, Multicodec.DAG_PB, Multicodec.DAG_CBOR, Multicodec.DAG_JSON};
    private static final List<byte[]> DATA = List.of(new byte[0], new byte[] {1}, "a".getBytes(), "b".getBytes(),
            new byte[300], new byte[70_000], "the same bytes".getBytes(), "other bytes".getBytes());

    enum Kind { PUT, PUT_MANY, DELETE, GET, HAS, SIZE, VIEW }

    record Op(Kind kind, int item, int codec) {
        Cid cid() {
            Cid raw = Block.raw(DATA.get(item)).cid();
            return codec == 0 ? raw : Cid.v1(CODECS[codec], raw.multihash());
        }

        Block block() {
            return Block.of(cid(), DATA.get(item));
        }
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        return Combinators.combine(Arbitraries.of(Kind.class), Arbitraries.integers().between(0, DATA.size() - 1),
                Arbitraries.integers().between(0, CODECS.length - 1)).as(Op::new).list().ofMaxSize(40);
    }

    @Property(tries = 100)
    void memoryStoreAnswersLikeAMap(@ForAll("ops") List<Op> ops) {
        try (MemoryBlockstore store = new MemoryBlockstore()) {
            run(store, ops);
        }
    }

    /** Views of the 70,000-byte item are memory-mapped, the smaller ones read into the heap. */
    @Property(tries = 40)
    void flatFsStoreAnswersLikeAMap(@ForAll("ops") List<Op> ops) throws Exception {
        Path dir = Files.createTempDirectory("cairn-model");
        try (FlatFsBlockstore store = FlatFsBlockstore.open(dir,
                FlatFsOptions.builder().sync(false).mapViewsFrom(1024).build())) {
            run(store, ops);
        } finally {
            FlatFsBlockstoreTest.deleteRecursively(dir);
        }
    }

    private static void run(Blockstore store, List<Op> ops) {
        Map<Multihash, byte[]> model = new HashMap<>();
        for (Op op : ops) {
            Cid cid = op.cid();
            byte[] expected = model.get(cid.multihash());
            switch (op.kind()) {
                case PUT -> {
                    store.put(op.block());
                    model.putIfAbsent(cid.multihash(), DATA.get(op.item()));
                }
                case PUT_MANY -> {
                    Op other = new Op(Kind.PUT, (op.item() + 1) % DATA.size(), 0);
                    store.putMany(List.of(op.block(), other.block()));
                    model.putIfAbsent(cid.multihash(), DATA.get(op.item()));
                    model.putIfAbsent(other.cid().multihash(), DATA.get(other.item()));
                }
                case DELETE -> assertThat(store.delete(cid)).isEqualTo(model.remove(cid.multihash()) != null);
                case HAS -> assertThat(store.has(cid)).isEqualTo(expected != null);
                case GET, VIEW, SIZE -> {
                    if (expected == null) {
                        assertThatThrownBy(() -> store.get(cid)).isInstanceOf(BlockNotFoundException.class);
                    } else if (op.kind() == Kind.GET) {
                        Block got = store.get(cid);
                        assertThat(got.cid()).isEqualTo(cid);
                        assertThat(got.bytes()).isEqualTo(expected);
                    } else if (op.kind() == Kind.SIZE) {
                        assertThat(store.getSize(cid)).isEqualTo(expected.length);
                    } else {
                        int remaining = ((Viewer) store).view(cid, java.nio.ByteBuffer::remaining);
                        assertThat(remaining).isEqualTo(expected.length);
                    }
                }
            }
        }
        try (Stream<Cid> keys = store.allKeys()) {
            assertThat(keys.map(Cid::multihash).collect(Collectors.toSet())).isEqualTo(model.keySet());
        }
    }
}
