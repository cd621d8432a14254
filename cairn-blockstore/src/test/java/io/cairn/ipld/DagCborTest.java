package io.cairn.ipld;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.cairn.cid.Cid;
import io.cairn.cid.Vectors;

class DagCborTest {

    /**
     * Every dag-cbor fixture is canonical DAG-CBOR, so decoding and re-encoding must give back the
     * exact bytes: this checks the decoder and the encoder's key order and integer widths at once.
     */
    @Test
    void everyFixtureDecodesAndReencodesByteForByte() {
        int n = 0;
        for (Path p : Vectors.codecFixtures()) {
            if (!p.getFileName().toString().endsWith(".dag-cbor")) {
                continue;
            }
            byte[] bytes = Vectors.read(p);
            Object value = DagCbor.decode(bytes);
            assertThat(DagCbor.encode(value)).as(p.getParent().getFileName().toString()).isEqualTo(bytes);
            n++;
        }
        assertThat(n).isGreaterThanOrEqualTo(120);
    }

    @Test
    void decodesTheDataModelKinds() {
        assertThat(DagCbor.decode(Vectors.hex("1bffffffffffffffff"))).isEqualTo(new BigInteger("18446744073709551615"));
        assertThat(DagCbor.decode(Vectors.hex("3bffffffffffffffff"))).isEqualTo(new BigInteger("-18446744073709551616"));
        assertThat(DagCbor.decode(Vectors.hex("3903e7"))).isEqualTo(-1000L);
        assertThat(DagCbor.decode(Vectors.hex("fb3ff199999999999a"))).isEqualTo(1.1);
        assertThat(DagCbor.decode(Vectors.hex("f6"))).isNull();
        assertThat(DagCbor.decode(Vectors.hex("f5"))).isEqualTo(true);
        assertThat(DagCbor.decode(Vectors.hex("6449455446"))).isEqualTo("IETF");
        assertThat((byte[]) DagCbor.decode(Vectors.hex("4401020304"))).containsExactly(1, 2, 3, 4);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a", 1L);
        m.put("b", List.of(2L, 3L));
        assertThat(DagCbor.decode(Vectors.hex("a26161016162820203"))).isEqualTo(m);
    }

    @Test
    void encodesMapKeysLengthFirst() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", 1);
        m.put("roots", List.of());
        m.put("bb", 2);
        m.put("a", 3);
        // a(1), bb(2), roots(5), version(7)
        assertThat(DagCbor.encode(m)).isEqualTo(Vectors.hex("a46161036262620265726f6f747380" + "6776657273696f6e01"));
    }

    @Test
    void carHeaderBytesMatchTheSpecLayout() {
        Cid root = Cid.parse("bafyreihyrpefhacm6kkp4ql6j6udakdit7g3dmkzfriqfykhjw6cad5lrm");
        byte[] expected = Vectors.hex("a265726f6f747381d82a58250001711220f88bc853804cf294fe417e4fa83028689fcdb1b1592c5102e1474dbc200fab8b"
                + "6776657273696f6e01");
        assertThat(DagCbor.encode(Map.of("roots", List.of(root), "version", 1L))).isEqualTo(expected);
        Object decoded = DagCbor.decode(expected);
        assertThat(decoded).isEqualTo(Map.of("roots", List.of(root), "version", 1L));
    }

    @Test
    void rejectsWhatDagCborForbids() {
        assertThatThrownBy(() -> DagCbor.decode(Vectors.hex("9f01ff")))
                .isInstanceOf(MalformedBlockException.class).hasMessageContaining("indefinite-length");
        assertThatThrownBy(() -> DagCbor.decode(Vectors.hex("c1 01".replace(" ", ""))))
                .isInstanceOf(MalformedBlockException.class).hasMessageContaining("tag 1 is not allowed");
        assertThatThrownBy(() -> DagCbor.decode(Vectors.hex("a10102")))
                .isInstanceOf(MalformedBlockException.class).hasMessageContaining("map key must be");
        assertThatThrownBy(() -> DagCbor.decode(Vectors.hex("a2616101616102")))
                .isInstanceOf(MalformedBlockException.class).hasMessageContaining("duplicate map key 'a'");
        assertThatThrownBy(() -> DagCbor.decode(Vectors.hex("62c328")))
                .isInstanceOf(MalformedBlockException.class).hasMessageContaining("not valid UTF-8");
        assertThatThrownBy(() -> DagCbor.decode(Vectors.hex("d82a4401711220")))
                .isInstanceOf(MalformedBlockException.class).hasMessageContaining("0x00 multibase prefix");
        assertThatThrownBy(() -> DagCbor.decode(Vectors.hex("d82a450001711220")))
                .isInstanceOf(MalformedBlockException.class).hasMessageContaining("bad CID in tag 42");
        assertThatThrownBy(() -> DagCbor.decode(Vectors.hex("f7")))
                .isInstanceOf(MalformedBlockException.class).hasMessageContaining("simple value 23");
        assertThatThrownBy(() -> DagCbor.decode(Vectors.hex("0101")))
                .isInstanceOf(MalformedBlockException.class).hasMessageContaining("1 trailing byte(s)");
    }

    @Test
    void rejectsTruncationAndAbsurdLengthsWithoutAllocating() {
        assertThatThrownBy(() -> DagCbor.decode(Vectors.hex("5bffffffffffffff00")))
                .isInstanceOf(MalformedBlockException.class).hasMessageContaining("bytes but only 0 remain");
        assertThatThrownBy(() -> DagCbor.decode(Vectors.hex("9b00000000ffffffff")))
                .isInstanceOf(MalformedBlockException.class).hasMessageContaining("entries but only 0 bytes remain");
        assertThatThrownBy(() -> DagCbor.decode(Vectors.hex("830102")))
                .isInstanceOf(MalformedBlockException.class).hasMessageContaining("3 entries but only 2 bytes remain");
        assertThatThrownBy(() -> DagCbor.decode(Vectors.hex("a2616101")))
                .isInstanceOf(MalformedBlockException.class).hasMessageContaining("offset 4 of 4: unexpected end of data");
        assertThatThrownBy(() -> DagCbor.decode(Vectors.hex("19ff")))
                .isInstanceOf(MalformedBlockException.class).hasMessageContaining("inside a 2-byte argument");
        assertThatThrownBy(() -> DagCbor.decode(new byte[0]))
                .isInstanceOf(MalformedBlockException.class).hasMessageContaining("unexpected end of data");
    }

    @Test
    void refusesDeepNestingInsteadOfOverflowingTheStack() {
        byte[] deep = new byte[100_000];
        java.util.Arrays.fill(deep, (byte) 0x81);
        assertThatThrownBy(() -> DagCbor.decode(deep))
                .isInstanceOf(MalformedBlockException.class).hasMessageContaining("nesting deeper than");
        assertThatThrownBy(() -> DagCbor.links(deep))
                .isInstanceOf(MalformedBlockException.class).hasMessageContaining("nesting deeper than");
    }
}
