package io.cairn.blockstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.cairn.cid.Cid;
import io.cairn.cid.HashFunction;
import io.cairn.cid.Multicodec;
import io.cairn.cid.Multihash;

class BlockTest {
    static final byte[] MARS = "Hello Mars!\n".getBytes(StandardCharsets.US_ASCII);

    @Test
    void rawReproducesKubosDefaultCid() {
        assertThat(Block.raw(MARS).cid()).hasToString("bafkreibmlvvgdyihetgocpof6xk64kjjzdeq2e4c7hqs3krdheosk4tgj4");
        assertThat(Block.raw("Hello Venus!\n".getBytes(StandardCharsets.US_ASCII)).cid())
                .hasToString("bafkreihfsphazrk2ilejpekyltjeh5k4yvwgjuwg26ueafohqioeo3sdca");
    }

    @Test
    void verifiedAcceptsMatchingBytesAndNamesBothDigestsOtherwise() {
        Cid v0 = Cid.parse("QmRKqGMAM6EZngbpjSqrvYzq5Qd8b1bSWymjSUY9zQSNDk");
        assertThat(Block.verified(v0, MARS).size()).isEqualTo(12);

        Cid truncated = Cid.parse("bafkrifctrq4xazzixy2v4ezymjcvzpskqdwlxra");
        assertThat(Block.verified(truncated, "foooo\n".getBytes(StandardCharsets.US_ASCII)).cid()).isEqualTo(truncated);

        byte[] wrong = "Hello Mars?\n".getBytes(StandardCharsets.US_ASCII);
        String expected = java.util.HexFormat.of().formatHex(v0.multihash().digest());
        String actual = java.util.HexFormat.of().formatHex(HashFunction.SHA2_256.digest(wrong));
        assertThatThrownBy(() -> Block.verified(v0, wrong)).isInstanceOf(HashMismatchException.class)
                .hasMessageContaining(expected).hasMessageContaining(actual).hasMessageContaining(v0.toString())
                .satisfies(e -> {
                    HashMismatchException h = (HashMismatchException) e;
                    assertThat(h.expectedDigestHex()).isEqualTo(expected);
                    assertThat(h.actualDigestHex()).isEqualTo(actual);
                });
    }

    @Test
    void anUnsupportedHashFunctionCannotBeVerified() {
        Cid unknown = Cid.v1(Multicodec.RAW, Multihash.of(0x1015, new byte[32]));
        assertThatThrownBy(() -> Block.verified(unknown, MARS)).isInstanceOf(BlockstoreException.class)
                .hasMessageContaining("0x1015").hasMessageContaining("not supported");
        // trusting the caller still works, since the store keys by multihash whatever the function
        assertThat(Block.of(unknown, MARS).size()).isEqualTo(12);
    }

    @Test
    void dataIsAReadOnlyViewOfTheSameArray() {
        Block b = Block.raw(MARS);
        ByteBuffer view = b.data();
        assertThat(view.isReadOnly()).isTrue();
        assertThat(view.remaining()).isEqualTo(12);
        assertThatThrownBy(() -> view.put(0, (byte) 1)).isInstanceOf(ReadOnlyBufferException.class);
        assertThat(b.bytes()).isSameAs(MARS);
    }

    @Test
    void equalityIsByCidAndBytes() {
        Block a = Block.raw(MARS);
        Block b = Block.of(a.cid(), MARS.clone());
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(Block.of(Cid.v1(Multicodec.DAG_PB, a.cid().multihash()), MARS));
        assertThat(a.toString()).contains(a.cid().toString()).contains("12 bytes");
    }

    @Test
    void nullsAreRefused() {
        assertThatThrownBy(() -> Block.of(null, MARS)).isInstanceOf(NullPointerException.class).hasMessageContaining("cid");
        assertThatThrownBy(() -> Block.raw(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("data");
    }
}
