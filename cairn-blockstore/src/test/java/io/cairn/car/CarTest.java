package io.cairn.car;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.cairn.cid.Cid;
import io.cairn.cid.HashFunction;
import io.cairn.cid.Multicodec;
import io.cairn.cid.Varint;
import io.cairn.cid.Vectors;
import io.cairn.ipld.DagCbor;
import io.cairn.ipld.Links;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class CarTest {

    static List<CarBlock> readAll(CarReader r) throws IOException {
        List<CarBlock> out = new ArrayList<>();
        for (CarBlock b = r.next(); b != null; b = r.next()) {
            out.add(b);
        }
        return out;
    }

    static byte[] write(List<Cid> roots, List<CarBlock> blocks) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CarWriter w = new CarWriter(out, roots)) {
            for (CarBlock b : blocks) {
                w.write(b.cid(), b.data());
            }
            w.flush();
            assertThat(w.bytesWritten()).isEqualTo(out.size());
        }
        return out.toByteArray();
    }

    @Test
    void readsTheJsCarFixtureAndRewritesItByteForByte() throws IOException {
        byte[] car = CarFixtures.CARV1_BASIC;
        try (CarReader r = CarReader.open(new ByteArrayInputStream(car))) {
            assertThat(r.version()).isEqualTo(1);
            assertThat(r.roots()).extracting(Cid::toString).containsExactly(
                    "bafyreihyrpefhacm6kkp4ql6j6udakdit7g3dmkzfriqfykhjw6cad5lrm",
                    "bafyreidj5idub6mapiupjwjsyyxhyhedxycv4vihfsicm2vt46o7morwlm");
            List<CarBlock> blocks = readAll(r);
            assertThat(r.bytesRead()).isEqualTo(car.length);
            assertThat(blocks).hasSize(8);
            for (CarBlock b : blocks) {
                assertThat(b.cid().multihash().matches(b.data())).as(b.cid().toString()).isTrue();
            }
            assertThat(blocks).filteredOn(b -> b.cid().version() == 0).hasSize(3);
            assertThat(blocks).filteredOn(b -> b.cid().codec() == Multicodec.RAW).hasSize(3);
            assertThat(blocks.subList(6, 8)).extracting(CarBlock::cid).containsExactlyElementsOf(r.roots());
            // the first root links to the third dag-pb block (a CIDv0), as the JS tests build it
            assertThat(Links.of(blocks.get(6).cid(), blocks.get(6).data())).containsExactly(blocks.get(5).cid());
            assertThat(write(r.roots(), blocks)).isEqualTo(car);
        }
    }

    @Test
    void readsTheCarV2SpecFixtureAndStopsAtThePayloadEnd() throws IOException {
        byte[] car = CarFixtures.CARV2_BASIC;
        try (CarReader r = CarReader.open(new ByteArrayInputStream(car))) {
            assertThat(r.version()).isEqualTo(2);
            assertThat(r.roots()).extracting(Cid::toString)
                    .containsExactly("QmfEoLyB5NndqeKieExd1rtJzTduQUPEV8TwAYcUiy3H5Z");
            List<CarBlock> blocks = readAll(r);
            assertThat(blocks).hasSize(5);
            for (CarBlock b : blocks) {
                assertThat(b.cid().multihash().matches(b.data())).as(b.cid().toString()).isTrue();
            }
            assertThat(r.bytesRead()).isEqualTo(51 + 448);   // the index after the payload is not read
            // The inner payload is a CARv1 that the writer reproduces exactly.
            assertThat(write(r.roots(), blocks)).isEqualTo(Arrays.copyOfRange(car, 51, 499));
        }
    }

    /** A CARv2 built by hand: padding before the payload, junk standing in for an index after it. */
    @Test
    void readsAHandBuiltCarV2WithPadding() throws IOException {
        List<CarBlock> blocks = sampleBlocks(5);
        List<Cid> roots = List.of(blocks.getFirst().cid());
        byte[] v1 = write(roots, blocks);
        int padding = 13;
        long dataOffset = 11 + 40 + padding;
        ByteBuffer header = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
        header.put(new byte[16]).putLong(dataOffset).putLong(v1.length).putLong(dataOffset + v1.length + 3);
        ByteArrayOutputStream car = new ByteArrayOutputStream();
        car.writeBytes(CarReader.V2_PRAGMA);
        car.writeBytes(header.array());
        car.writeBytes(new byte[padding]);
        car.writeBytes(v1);
        car.writeBytes(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01, 0x02, 0x03});

        try (CarReader r = CarReader.open(new ByteArrayInputStream(car.toByteArray()))) {
            assertThat(r.version()).isEqualTo(2);
            assertThat(r.roots()).isEqualTo(roots);
            assertThat(readAll(r)).usingRecursiveFieldByFieldElementComparator().isEqualTo(blocks);
            assertThat(r.bytesRead()).isEqualTo(dataOffset + v1.length);
        }

        // the same container with its payload cut short
        byte[] cut = Arrays.copyOf(car.toByteArray(), (int) dataOffset + v1.length - 4);
        assertThatThrownBy(() -> readAll(CarReader.open(new ByteArrayInputStream(cut))))
                .isInstanceOf(InvalidCarException.class).hasMessageContaining("truncated");
    }

    static List<CarBlock> sampleBlocks(int n) {
        List<CarBlock> blocks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] data = ("block " + i).repeat(i + 1).getBytes();
            blocks.add(new CarBlock(Cid.of(Multicodec.RAW, HashFunction.SHA2_256, data), data));
        }
        return blocks;
    }

    @Provide
    Arbitrary<List<CarBlock>> blockLists() {
        Arbitrary<byte[]> data = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        Arbitrary<Long> codecs = Arbitraries.of(Multicodec.RAW, Multicodec.DAG_CBOR, Multicodec.DAG_PB, 0x300001L);
        Arbitrary<HashFunction> fns = Arbitraries.of(HashFunction.SHA2_256, HashFunction.BLAKE3, HashFunction.IDENTITY);
        Arbitrary<CarBlock> block = Combinators.combine(codecs, fns, data)
                .as((codec, fn, d) -> new CarBlock(Cid.of(codec, fn, d), d));
        return block.list().ofMaxSize(20);
    }

    @Property(tries = 150)
    void roundTrip(@ForAll("blockLists") List<CarBlock> blocks) throws IOException {
        List<Cid> roots = blocks.stream().limit(3).map(CarBlock::cid).toList();
        byte[] car = write(roots, blocks);
        try (CarReader r = CarReader.open(new ByteArrayInputStream(car))) {
            assertThat(r.roots()).isEqualTo(roots);
            List<CarBlock> back = new ArrayList<>();
            r.forEach(back::add);
            assertThat(back).hasSameSizeAs(blocks);
            for (int i = 0; i < blocks.size(); i++) {
                assertThat(back.get(i).cid()).isEqualTo(blocks.get(i).cid());
                assertThat(back.get(i).data()).isEqualTo(blocks.get(i).data());
            }
            assertThat(r.bytesRead()).isEqualTo(car.length);
        }
    }

    /**
     * Cutting the fixture anywhere must either fail with InvalidCarException or, when the cut falls
     * exactly between sections, yield a shorter but intact prefix of the blocks.
     */
    @Test
    void everyTruncationIsDetectedOrLandsOnASectionBoundary() throws IOException {
        byte[] car = CarFixtures.CARV1_BASIC;
        Set<Integer> boundaries = new HashSet<>();
        List<CarBlock> all;
        try (CarReader r = CarReader.open(new ByteArrayInputStream(car))) {
            boundaries.add((int) r.bytesRead());
            all = new ArrayList<>();
            for (CarBlock b = r.next(); b != null; b = r.next()) {
                all.add(b);
                boundaries.add((int) r.bytesRead());
            }
        }
        int detected = 0;
        for (int len = 0; len < car.length; len++) {
            byte[] cut = Arrays.copyOf(car, len);
            if (boundaries.contains(len)) {
                List<CarBlock> prefix = readAll(CarReader.open(new ByteArrayInputStream(cut)));
                assertThat(prefix).isEqualTo(all.subList(0, prefix.size()));
            } else {
                assertThatThrownBy(() -> readAll(CarReader.open(new ByteArrayInputStream(cut))))
                        .as("cut at %d", len).isInstanceOf(InvalidCarException.class);
                detected++;
            }
        }
        // header end + 8 section ends; the last one is the full length, which the loop never cuts at
        assertThat(boundaries).hasSize(9).contains(car.length);
        assertThat(detected).isEqualTo(car.length - (boundaries.size() - 1));
    }

    @Test
    void absurdAndZeroSectionLengths() throws IOException {
        byte[] header = headerOnly(List.of());
        byte[] huge = concat(header, Varint.encode(1L << 40));
        assertThatThrownBy(() -> CarReader.open(new ByteArrayInputStream(huge)).next())
                .isInstanceOf(InvalidCarException.class)
                .hasMessageContaining("declares 1099511627776 bytes, over the 8388608-byte limit");
        byte[] small = write(List.of(), sampleBlocks(3));
        assertThatThrownBy(() -> readAll(CarReader.open(new ByteArrayInputStream(small), 20)))
                .isInstanceOf(InvalidCarException.class).hasMessageContaining("over the 20-byte limit");
        byte[] zero = concat(header, new byte[] {0});
        assertThatThrownBy(() -> CarReader.open(new ByteArrayInputStream(zero)).next())
                .isInstanceOf(InvalidCarException.class).hasMessageContaining("zero-length section at offset " + header.length);
        byte[] overlong = concat(header, Vectors10());
        assertThatThrownBy(() -> CarReader.open(new ByteArrayInputStream(overlong)).next())
                .isInstanceOf(InvalidCarException.class).hasMessageContaining("bad section length");
    }

    private static byte[] Vectors10() {
        byte[] b = new byte[10];
        Arrays.fill(b, (byte) 0x80);
        return b;
    }

    @Test
    void sectionMustStartWithACid() throws IOException {
        byte[] header = headerOnly(List.of());
        byte[] bad = concat(header, new byte[] {4, 0x02, 0x55, 0x12, 0x01});
        assertThatThrownBy(() -> CarReader.open(new ByteArrayInputStream(bad)).next())
                .isInstanceOf(InvalidCarException.class)
                .hasMessageContaining("section at offset " + header.length + " does not start with a valid CID")
                .hasMessageContaining("unsupported CID version 2");
    }

    @Test
    void badHeaders() {
        assertOpenFails(new byte[0], "empty input");
        assertOpenFails(new byte[] {0}, "between 1 and");
        assertOpenFails(Varint.encode(1L << 30), "between 1 and");
        assertOpenFails(new byte[] {5, 1, 2}, "truncated CAR: CAR header needs 5 bytes");
        assertOpenFails(withLength(DagCbor.encode(List.of(1L))), "must be a map");
        assertOpenFails(withLength(Vectors.hex("a1")), "not valid DAG-CBOR");
        assertOpenFails(withLength(DagCbor.encode(Map.of("roots", List.of()))), "lacks an integer 'version'");
        assertOpenFails(withLength(DagCbor.encode(Map.of("version", 1L))), "lacks a 'roots' array");
        assertOpenFails(withLength(DagCbor.encode(Map.of("version", 3L, "roots", List.of()))), "unsupported CAR version 3");
        assertOpenFails(withLength(DagCbor.encode(Map.of("version", 1L, "roots", List.of("x")))), "holds String where a CID belongs");
        // go-car's bad-header case: {roots:[baeaaaa3bmjrq]} without a version
        assertOpenFails(Vectors.hex("13a165726f6f747381d82a480001000003616263"), "lacks an integer 'version'");
        // a bare CARv2 pragma with no header after it
        assertOpenFails(CarReader.V2_PRAGMA, "truncated CAR: CARv2 header needs 40 bytes");
    }

    @Test
    void carV2HeaderWithImpossibleOffsets() {
        ByteBuffer header = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
        header.put(new byte[16]).putLong(20).putLong(10).putLong(0);
        assertOpenFails(concat(CarReader.V2_PRAGMA, header.array()), "impossible data offset 20");
        ByteBuffer far = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
        far.put(new byte[16]).putLong(1000).putLong(10).putLong(0);
        assertOpenFails(concat(CarReader.V2_PRAGMA, far.array()), "truncated CAR: stream ended inside the CARv2 padding");
    }

    @Test
    void writerRejectsUseAfterCloseAndNulls() throws IOException {
        CarWriter w = new CarWriter(new ByteArrayOutputStream(), List.of());
        assertThatThrownBy(() -> w.write(null, new byte[0])).isInstanceOf(NullPointerException.class);
        w.close();
        w.close();
        Cid cid = sampleBlocks(1).getFirst().cid();
        assertThatThrownBy(() -> w.write(cid, new byte[0])).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new CarWriter(new ByteArrayOutputStream(), Arrays.asList((Cid) null)))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void iteratorIsSingleUse() throws IOException {
        byte[] car = write(List.of(), sampleBlocks(4));
        try (CarReader r = CarReader.open(new ByteArrayInputStream(car))) {
            int n = 0;
            for (CarBlock ignored : r) {
                n++;
            }
            assertThat(n).isEqualTo(4);
            assertThatThrownBy(r::iterator).isInstanceOf(IllegalStateException.class);
        }
    }

    private static void assertOpenFails(byte[] car, String message) {
        assertThatThrownBy(() -> CarReader.open(new ByteArrayInputStream(car)))
                .isInstanceOf(InvalidCarException.class).hasMessageContaining(message);
    }

    private static byte[] headerOnly(List<Cid> roots) {
        return withLength(CarWriter.header(roots));
    }

    private static byte[] withLength(byte[] body) {
        return concat(Varint.encode(body.length), body);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
