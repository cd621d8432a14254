package io.cairn.cid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class MultihashTest {

    @Test
    void everyFunctionHashesSplitHeapAndDirectBuffersAsOneArray() {
        byte[] data = new byte[70_001];
        new java.util.Random(5).nextBytes(data);
        for (HashFunction fn : HashFunction.values()) {
            ByteBuffer direct = ByteBuffer.allocateDirect(50_000).put(data, 0, 50_000).flip();
            ByteBuffer heap = ByteBuffer.wrap(data, 50_000, data.length - 50_000);
            assertThat(fn.digest(direct, heap)).as(fn.multihashName()).isEqualTo(fn.digest(data));
            assertThat(direct.position()).as("positions stay").isZero();
            HashFunction.Hasher h = fn.newHasher();
            if (fn == HashFunction.IDENTITY) {
                assertThat(h).isNull();
                continue;
            }
            h.update(data, 0, 1_000);
            h.update(ByteBuffer.allocateDirect(data.length - 1_000).put(data, 1_000, data.length - 1_000).flip());
            assertThat(h.digest()).as(fn.multihashName() + " incrementally").isEqualTo(fn.digest(data));
        }
    }

    @Test
    void everyRowOfTheSpecVectorsPasses() {
        List<String> lines = Vectors.lines("multihash/test_cases.csv");
        assertThat(lines.getFirst()).isEqualTo("algorithm,bits,input,multihash");
        int rows = 0;
        for (String line : lines.subList(1, lines.size())) {
            String[] cols = line.split(",");
            HashFunction fn = HashFunction.byName(cols[0]);
            int bytes = Integer.parseInt(cols[1]) / 8;
            // The "input" column is ASCII text that happens to look like hex.
            byte[] input = cols[2].getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Multihash mh = Multihash.digest(fn, input, bytes);
            assertThat(mh.toHex()).as(line).isEqualTo(cols[3]);
            Multihash decoded = Multihash.decode(Vectors.hex(cols[3]));
            assertThat(decoded).isEqualTo(mh);
            assertThat(decoded.function()).contains(fn);
            assertThat(decoded.digestLength()).isEqualTo(bytes);
            assertThat(decoded.matches(input)).isTrue();
            input[0] ^= 1;
            assertThat(decoded.matches(input)).isFalse();
            rows++;
        }
        assertThat(rows).isEqualTo(260);
    }

    /** Known answers from Python's hashlib and the BLAKE3 reference test vectors. */
    @ParameterizedTest
    @CsvSource({
            "blake2b-256, '', a0e402200e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8",
            "blake2b-256, abc, a0e40220bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319",
            "blake3, '', 1e20af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262",
            "blake3, abc, 1e206437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85",
            "sha3-224, abc, 171ce642824c3f8cf24ad09234ee7d3c766fc9a3a5168d0c94ad73b46fdf",
            "sha3-256, abc, 16203a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532",
            "sha3-384, abc, 1530ec01498288516fc926459f58e2c6ad8df9b473cb0fc08c2596da7cf0e49be4b298d88cea927ac7f539f1edf228376d25",
            "identity, abc, 0003616263"})
    void knownAnswersForFunctionsTheSpecVectorsLack(String name, String input, String expected) {
        HashFunction fn = HashFunction.byName(name);
        Multihash mh = Multihash.digest(fn, input.getBytes(StandardCharsets.US_ASCII));
        assertThat(mh.toHex()).isEqualTo(expected);
        assertThat(mh.code()).isEqualTo(fn.code());
        assertThat(mh.matches(input.getBytes(StandardCharsets.US_ASCII))).isTrue();
    }

    @Test
    void lookupsByCodeAndName() {
        for (HashFunction fn : HashFunction.values()) {
            assertThat(HashFunction.byCode(fn.code())).contains(fn);
            assertThat(HashFunction.byName(fn.multihashName().toUpperCase())).isEqualTo(fn);
            if (fn != HashFunction.IDENTITY) {
                assertThat(fn.digest(new byte[3])).hasSize(fn.defaultLength());
            }
        }
        assertThat(HashFunction.byCode(0x1014)).isEmpty();
    }

    @Test
    void digestOfASliceEqualsDigestOfACopy() {
        byte[] data = "xxHello Mars!\nyy".getBytes(StandardCharsets.US_ASCII);
        for (HashFunction fn : HashFunction.values()) {
            assertThat(fn.digest(data, 2, 12)).isEqualTo(fn.digest("Hello Mars!\n".getBytes(StandardCharsets.US_ASCII)));
        }
    }

    @Property(tries = 200)
    void bytesRoundTrip(@ForAll HashFunction fn, @ForAll @Size(max = 200) byte[] data,
                        @ForAll @IntRange(min = 1, max = 64) int length) {
        int len = fn == HashFunction.IDENTITY ? -1 : Math.min(length, fn.defaultLength());
        Multihash mh = Multihash.digest(fn, data, len);
        Multihash back = Multihash.decode(mh.toBytes());
        assertThat(back).isEqualTo(mh).hasSameHashCodeAs(mh);
        assertThat(back.compareTo(mh)).isZero();
        assertThat(back.encodedLength()).isEqualTo(mh.toBytes().length);
        assertThat(back.matches(data)).isTrue();
        ByteBuffer buf = ByteBuffer.allocate(mh.encodedLength() + 3);
        buf.put(mh.toBytes()).put(new byte[] {1, 2, 3}).flip();
        assertThat(Multihash.read(buf)).isEqualTo(mh);
        assertThat(buf.remaining()).isEqualTo(3);
    }

    @Test
    void digestAndToBytesReturnCopies() {
        Multihash mh = Multihash.digest(HashFunction.SHA2_256, new byte[] {1});
        mh.digest()[0] ^= 1;
        mh.toBytes()[2] ^= 1;
        assertThat(mh.matches(new byte[] {1})).isTrue();
    }

    @Test
    void unknownCodesAreKeptButCannotBeVerified() {
        Multihash mh = Multihash.of(0x1022, new byte[] {1, 2, 3});   // murmur3-x64-64, not implemented
        assertThat(Multihash.decode(mh.toBytes())).isEqualTo(mh);
        assertThat(mh.function()).isEmpty();
        assertThat(mh.matches(new byte[] {1})).isFalse();
    }

    @Test
    void rejectsLengthDisagreeingWithHeader() {
        byte[] mh = Multihash.digest(HashFunction.SHA2_256, new byte[0]).toBytes();
        byte[] cut = java.util.Arrays.copyOf(mh, mh.length - 1);
        assertThatThrownBy(() -> Multihash.decode(cut))
                .isInstanceOf(InvalidCidException.class)
                .hasMessageContaining("invalid multihash 1220e3b0")
                .hasMessageContaining("declares a 32-byte digest but only 31 byte(s) follow");
        byte[] longer = java.util.Arrays.copyOf(mh, mh.length + 2);
        assertThatThrownBy(() -> Multihash.decode(longer))
                .isInstanceOf(InvalidCidException.class).hasMessageContaining("2 trailing byte(s)");
    }

    @Test
    void rejectsTruncatedHeaderAndOverlongDigest() {
        assertThatThrownBy(() -> Multihash.decode(new byte[] {(byte) 0xa0, (byte) 0xe4}))
                .isInstanceOf(InvalidCidException.class).hasMessageContaining("truncated varint");
        assertThatThrownBy(() -> Multihash.decode(new byte[] {0x12}))
                .isInstanceOf(InvalidCidException.class).hasMessageContaining("truncated varint");
        byte[] sha1With21 = new byte[23];
        sha1With21[0] = 0x11;
        sha1With21[1] = 21;
        assertThatThrownBy(() -> Multihash.decode(sha1With21))
                .isInstanceOf(InvalidCidException.class).hasMessageContaining("exceeds the 20 bytes that sha1 produces");
        assertThatThrownBy(() -> Multihash.decode(Vectors.hex("00ffffffff0f")))
                .isInstanceOf(InvalidCidException.class).hasMessageContaining("over the 65536-byte limit");
    }

    @Test
    void rejectsBadTruncationAndUnsupportedFunctions() {
        assertThatThrownBy(() -> Multihash.digest(HashFunction.SHA2_256, new byte[1], 33))
                .isInstanceOf(InvalidCidException.class).hasMessageContaining("invalid digest length 33 for sha2-256");
        assertThatThrownBy(() -> Multihash.digest(HashFunction.SHA2_256, new byte[1], 0))
                .isInstanceOf(InvalidCidException.class).hasMessageContaining("invalid digest length 0");
        assertThatThrownBy(() -> Multihash.digest(HashFunction.IDENTITY, new byte[4], 2))
                .isInstanceOf(InvalidCidException.class).hasMessageContaining("identity");
        assertThatThrownBy(() -> HashFunction.byName("md5"))
                .isInstanceOf(InvalidCidException.class).hasMessageContaining("unsupported hash function 'md5'");
    }

    @Test
    void hashingIsSafeAcrossThreads() throws Exception {
        byte[] data = new byte[4096];
        new java.util.Random(7).nextBytes(data);
        var expected = new java.util.EnumMap<HashFunction, byte[]>(HashFunction.class);
        for (HashFunction fn : HashFunction.values()) {
            expected.put(fn, fn.digest(data));
        }
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(4)) {
            List<java.util.concurrent.Future<Boolean>> results = new java.util.ArrayList<>();
            for (int t = 0; t < 8; t++) {
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        for (HashFunction fn : HashFunction.values()) {
                            if (!java.util.Arrays.equals(fn.digest(data), expected.get(fn))) {
                                return false;
                            }
                        }
                    }
                    return true;
                }));
            }
            for (var f : results) {
                assertThat(f.get()).isTrue();
            }
        }
    }
}
