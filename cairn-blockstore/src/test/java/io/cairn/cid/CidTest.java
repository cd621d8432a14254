package io.cairn.cid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

class CidTest {

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** The Kubo `ipfs block put` known answers listed in vectors/README.md. */
    @ParameterizedTest
    @CsvSource({
            "'Hello Mars!\n', raw, sha2-256, -1, 1, bafkreibmlvvgdyihetgocpof6xk64kjjzdeq2e4c7hqs3krdheosk4tgj4",
            "'Hello Mars!\n', dag-pb, sha2-256, -1, 0, QmRKqGMAM6EZngbpjSqrvYzq5Qd8b1bSWymjSUY9zQSNDk",
            "'Hello Venus!\n', raw, sha2-256, -1, 1, bafkreihfsphazrk2ilejpekyltjeh5k4yvwgjuwg26ueafohqioeo3sdca",
            "'Hello Venus!\n', dag-pb, sha2-256, -1, 0, QmdnpnsaEj69isdw5sNzp3h3HkaDz7xKq7BmvFFBzNr5e7",
            "'foooo\n', raw, sha3-512, 20, 1, bafkrifctrq4xazzixy2v4ezymjcvzpskqdwlxra",
            "'foooo\n', dag-pb, sha3-512, 20, 1, bafybifctrq4xazzixy2v4ezymjcvzpskqdwlxra",
            "'', raw, identity, -1, 1, bafkqaaa"})
    void kuboKnownAnswers(String text, String codec, String mhtype, int mhlen, int version, String expected) {
        byte[] data = ascii(text.replace("\\n", "\n"));
        Multihash mh = Multihash.digest(HashFunction.byName(mhtype), data, mhlen);
        Cid cid = version == 0 ? Cid.v0(mh) : Cid.v1(Multicodec.code(codec), mh);
        assertThat(cid).hasToString(expected);
        Cid parsed = Cid.parse(expected);
        assertThat(parsed).isEqualTo(cid).hasSameHashCodeAs(cid);
        assertThat(parsed.version()).isEqualTo(version);
        assertThat(parsed.codec()).isEqualTo(Multicodec.code(codec));
        assertThat(parsed.multihash().matches(data)).isTrue();
        assertThat(Cid.decode(cid.toBytes())).isEqualTo(cid);
    }

    @Test
    void helloMarsConvenienceAndIdentityProbe() {
        Cid mars = Cid.of(Multicodec.RAW, HashFunction.SHA2_256, ascii("Hello Mars!\n"));
        assertThat(mars).hasToString("bafkreibmlvvgdyihetgocpof6xk64kjjzdeq2e4c7hqs3krdheosk4tgj4");
        Cid probe = Cid.parse("bafkqaaa");
        assertThat(probe.isIdentity()).isTrue();
        assertThat(probe.multihash().digestLength()).isZero();
        assertThat(probe.codec()).isEqualTo(Multicodec.RAW);
        assertThat(mars.isIdentity()).isFalse();
    }

    @Test
    void v0ConvertsToV1DagPbWithTheSameMultihash() {
        Cid v0 = Cid.parse("QmRKqGMAM6EZngbpjSqrvYzq5Qd8b1bSWymjSUY9zQSNDk");
        Cid v1 = v0.toV1();
        assertThat(v1.version()).isEqualTo(1);
        assertThat(v1.codec()).isEqualTo(Multicodec.DAG_PB);
        assertThat(v1.multihash()).isEqualTo(v0.multihash());
        assertThat(v1).isNotEqualTo(v0);
        assertThat(v1.toString()).startsWith("bafybei");
        assertThat(v1.toV1()).isSameAs(v1);
        assertThat(v0.toString(Multibase.BASE58BTC)).isEqualTo(v0.toString());
        assertThat(v0.encodedLength()).isEqualTo(34);
        assertThat(v1.encodedLength()).isEqualTo(36);
        // The same bytes as multibase base58btc (with a 'z') are still CIDv0 bytes.
        assertThat(Cid.parse("z" + v0)).isEqualTo(v0);
    }

    /**
     * Every ipld/codec-fixtures file is named {@code <CID>.<codec>}: the CID must parse, name the
     * file's codec, and be the sha2-256 CIDv1 of the bytes.
     */
    @Test
    void everyCodecFixtureHashesToItsName() {
        int files = 0;
        Map<String, Integer> perCodec = new HashMap<>();
        for (Path p : Vectors.codecFixtures()) {
            String name = p.getFileName().toString();
            int dot = name.indexOf('.');
            String ext = name.substring(dot + 1);
            Cid named = Cid.parse(name.substring(0, dot));
            byte[] data = Vectors.read(p);
            assertThat(named.codec()).as(name).isEqualTo(Multicodec.code(ext));
            assertThat(named.multihash().matches(data)).as(name).isTrue();
            assertThat(Cid.of(Multicodec.code(ext), HashFunction.SHA2_256, data)).as(name).isEqualTo(named);
            assertThat(named.toString()).isEqualTo(name.substring(0, dot));
            perCodec.merge(ext, 1, Integer::sum);
            files++;
        }
        assertThat(files).isGreaterThanOrEqualTo(270);
        assertThat(perCodec).containsKeys("dag-cbor", "dag-json", "dag-pb");
    }

    /**
     * The {@code cid-*} fixture directories are named after CIDs in assorted forms (v0, base58btc v1,
     * identity, unknown codecs and hash functions); each must parse and print back identically.
     */
    @Test
    void cidFixtureDirectoryNamesParseAndPrintBack() throws Exception {
        int n = 0;
        int identity = 0;
        try (var dirs = java.nio.file.Files.list(Vectors.path("codec-fixtures/fixtures"))) {
            for (Path dir : dirs.toList()) {
                String name = dir.getFileName().toString();
                if (!name.startsWith("cid-Qm") && !name.startsWith("cid-b") && !name.startsWith("cid-z")) {
                    continue;
                }
                String text = name.substring(4);
                Cid cid = Cid.parseAny(text);
                Multibase base = text.startsWith("Qm") ? Multibase.BASE58BTC : Multibase.forPrefix(text.charAt(0));
                assertThat(cid.toString(base)).isEqualTo(text);
                assertThat(Cid.decode(cid.toBytes())).isEqualTo(cid);
                if (cid.isIdentity()) {
                    identity++;
                }
                n++;
            }
        }
        assertThat(n).isGreaterThanOrEqualTo(15);
        assertThat(identity).isGreaterThanOrEqualTo(1);
    }

    @Test
    void unknownCodecIsStillAValidCid() {
        Cid cid = Cid.v1(0x300001, Multihash.digest(HashFunction.SHA2_256, new byte[] {7}));
        Cid back = Cid.parseAny(cid.toString());
        assertThat(back).isEqualTo(cid);
        assertThat(back.codec()).isEqualTo(0x300001);
        assertThat(Multicodec.name(back.codec())).isEmpty();
        assertThat(Multicodec.name(Multicodec.DAG_JSON)).contains("dag-json");
    }

    @Test
    void multicodecNames() {
        for (String name : new String[] {"raw", "dag-pb", "dag-cbor", "dag-json", "cbor", "json", "libp2p-key"}) {
            assertThat(Multicodec.name(Multicodec.code(name))).contains(name);
        }
        assertThat(Multicodec.code("raw")).isEqualTo(0x55);
        assertThat(Multicodec.code("libp2p-key")).isEqualTo(0x72);
        assertThatThrownBy(() -> Multicodec.code("dag-xml"))
                .isInstanceOf(InvalidCidException.class).hasMessageContaining("unknown multicodec 'dag-xml'");
    }

    @Provide
    Arbitrary<Cid> cids() {
        Arbitrary<Long> codecs = Arbitraries.oneOf(
                Arbitraries.of(Multicodec.RAW, Multicodec.DAG_PB, Multicodec.DAG_CBOR, Multicodec.DAG_JSON),
                Arbitraries.longs().between(0, Long.MAX_VALUE));
        Arbitrary<HashFunction> fns = Arbitraries.of(HashFunction.class);
        Arbitrary<byte[]> data = Arbitraries.bytes().array(byte[].class).ofMaxSize(64);
        Arbitrary<Cid> v1 = net.jqwik.api.Combinators.combine(codecs, fns, data).as(Cid::of);
        Arbitrary<Cid> v0 = data.map(d -> Cid.v0(Multihash.digest(HashFunction.SHA2_256, d)));
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(4, v1), net.jqwik.api.Tuple.of(1, v0));
    }

    @Property(tries = 300)
    void bytesAndTextRoundTrip(@ForAll("cids") Cid cid, @ForAll Multibase base) {
        assertThat(Cid.decode(cid.toBytes())).isEqualTo(cid);
        assertThat(Cid.parse(cid.toString())).isEqualTo(cid);
        Cid v1 = cid.toV1();
        String text = v1.toString(base);
        assertThat(text.charAt(0)).isEqualTo(base.prefix());
        Cid back = Cid.parse(text);
        assertThat(back).isEqualTo(v1).hasSameHashCodeAs(v1);
        assertThat(back.compareTo(v1)).isZero();
        assertThat(back.multihash()).isEqualTo(cid.multihash());
        ByteBuffer buf = ByteBuffer.allocate(cid.encodedLength() + 5).put(cid.toBytes()).put(new byte[5]).flip();
        assertThat(Cid.read(buf)).isEqualTo(cid);
        assertThat(buf.remaining()).isEqualTo(5);
    }

    @Property(tries = 200)
    void orderIsConsistentWithEquals(@ForAll("cids") Cid a, @ForAll("cids") Cid b) {
        assertThat(a.compareTo(b) == 0).isEqualTo(a.equals(b));
        assertThat(Integer.signum(a.compareTo(b))).isEqualTo(-Integer.signum(b.compareTo(a)));
    }

    @Property(tries = 100)
    void v0OnlyInBase58(@ForAll @Size(max = 32) byte[] data) {
        Cid v0 = Cid.v0(Multihash.digest(HashFunction.SHA2_256, data));
        assertThat(v0.toString()).startsWith("Qm").hasSize(46);
        assertThatThrownBy(() -> v0.toString(Multibase.BASE32))
                .isInstanceOf(InvalidCidException.class).hasMessageContaining("only be written in base58btc");
    }

    @Test
    void malformedText() {
        assertThatThrownBy(() -> Cid.parse(""))
                .isInstanceOf(InvalidCidException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> Cid.parse("QmRKqGMAM6EZngbpjSqrvYzq5Qd8b1bSWymjSUY9zQSND"))
                .isInstanceOf(InvalidCidException.class).hasMessageContaining("45 characters instead of 46");
        assertThatThrownBy(() -> Cid.parse("QmRKqGMAM6EZngbpjSqrvYzq5Qd8b1bSWymjSUY9zQSN0k"))
                .isInstanceOf(InvalidCidException.class)
                .hasMessageContaining("invalid CIDv0 'QmRKqGMAM6EZngbpjSqrvYzq5Qd8b1bSWymjSUY9zQSN0k'")
                .hasMessageContaining("character '0'");
        assertThatThrownBy(() -> Cid.parse("xafkreibmlvvgdyihetgocpof6xk64kjjzdeq2e4c7hqs3krdheosk4tgj4"))
                .isInstanceOf(InvalidCidException.class).hasMessageContaining("prefix 'x'");
        assertThatThrownBy(() -> Cid.parse("bafkreibmlvvgdyihetgocpof6xk64kjjzdeq2e4c7hqs3krdheosk4tgj"))
                .isInstanceOf(InvalidCidException.class)
                .hasMessageContaining("'bafkreibmlvvgdyihetgocpof6xk64kjjzdeq2e4c7hqs3krdheosk4tgj'")
                .hasMessageContaining("impossible length");
        assertThatThrownBy(() -> Cid.parse("bafkreibmlvvgdyihetgocpof6xk64kjjzdeq2e4c7hqs3krdheosk4tg"))
                .isInstanceOf(InvalidCidException.class).hasMessageContaining("declares a 32-byte digest");
        assertThatThrownBy(() -> Cid.parse("b" + "a".repeat(1_000_000)))
                .isInstanceOf(InvalidCidException.class).hasMessageContaining("-character limit")
                .hasMessageContaining("(1000001 chars)");
        assertThatThrownBy(() -> Cid.parse("bafkre!bmlvvgdyihetgocpof6xk64kjjzdeq2e4c7hqs3krdheosk4tgj4"))
                .isInstanceOf(InvalidCidException.class).hasMessageContaining("character '!' at position 6");
    }

    @Test
    void malformedBytes() {
        byte[] good = Cid.parse("bafkreibmlvvgdyihetgocpof6xk64kjjzdeq2e4c7hqs3krdheosk4tgj4").toBytes();
        byte[] v2 = good.clone();
        v2[0] = 2;
        assertThatThrownBy(() -> Cid.decode(v2))
                .isInstanceOf(InvalidCidException.class).hasMessageContaining("unsupported CID version 2");
        byte[] v0explicit = good.clone();
        v0explicit[0] = 0;
        assertThatThrownBy(() -> Cid.decode(v0explicit))
                .isInstanceOf(InvalidCidException.class).hasMessageContaining("explicit version 0");
        byte[] trailing = java.util.Arrays.copyOf(good, good.length + 1);
        assertThatThrownBy(() -> Cid.decode(trailing))
                .isInstanceOf(InvalidCidException.class).hasMessageContaining("1 trailing byte(s)");
        assertThatThrownBy(() -> Cid.decode(new byte[0]))
                .isInstanceOf(InvalidCidException.class).hasMessageContaining("empty binary CID");
        assertThatThrownBy(() -> Cid.decode(java.util.Arrays.copyOf(Cid.parse("QmRKqGMAM6EZngbpjSqrvYzq5Qd8b1bSWymjSUY9zQSNDk").toBytes(), 20)))
                .isInstanceOf(InvalidCidException.class).hasMessageContaining("truncated CIDv0: 20 of 34 bytes");
        assertThatThrownBy(() -> Cid.decode(new byte[] {1, (byte) 0x80}))
                .isInstanceOf(InvalidCidException.class).hasMessageContaining("truncated varint");
    }

    @Test
    void v0RequiresFullSha256() {
        assertThatThrownBy(() -> Cid.v0(Multihash.digest(HashFunction.SHA2_256, new byte[1], 20)))
                .isInstanceOf(InvalidCidException.class).hasMessageContaining("full-length sha2-256");
        assertThatThrownBy(() -> Cid.v0(Multihash.digest(HashFunction.SHA2_512, new byte[1])))
                .isInstanceOf(InvalidCidException.class).hasMessageContaining("full-length sha2-256");
    }

    @Test
    void toStringIsCachedAndBytesAreCopies() {
        Cid cid = Cid.of(Multicodec.RAW, HashFunction.SHA2_256, new byte[] {1});
        assertThat(cid.toString()).isSameAs(cid.toString());
        byte[] b = cid.toBytes();
        b[3] ^= 1;
        assertThat(cid.toBytes()).isNotEqualTo(b);
    }
}
