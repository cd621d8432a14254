package io.cairn.blockstore;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;

import io.cairn.cid.Cid;
import io.cairn.cid.HashFunction;
import io.cairn.cid.Multicodec;
import io.cairn.cid.Multihash;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VerifyingReceiverTest {

    private static byte[] bytes(int seed, int size) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** A stream that hands out at most {@code step} bytes per read, as a socket does. */
    private static InputStream trickle(byte[] data, int step) {
        return new ByteArrayInputStream(data) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, step));
            }
        };
    }

    @Test
    void aBodyArrivingInPiecesIsHashedAsItLandsAndComesOutVerified() throws IOException {
        byte[] data = bytes(1, 300_000); // several pieces, the last one short
        Cid cid = Block.raw(data).cid();
        VerifyingReceiver r = VerifyingReceiver.expect(cid, data.length);
        assertThat(r.readFrom(trickle(data, 7_001))).isEqualTo(data.length);
        assertThat(r.complete()).isTrue();
        Block b = r.finish();
        assertThat(b.bytes()).isEqualTo(data);
        assertThat(b.isVerified()).as("a layer above need not hash it again").isTrue();
        assertThatThrownBy(r::finish).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void bytesThatDoNotMatchAreRefusedNamingBothDigests() throws IOException {
        byte[] data = bytes(2, 10_000);
        Cid cid = Block.raw(data).cid();
        byte[] corrupt = data.clone();
        corrupt[9_999] ^= 1;
        VerifyingReceiver r = VerifyingReceiver.expect(cid, data.length);
        r.readFrom(new ByteArrayInputStream(corrupt));
        assertThatThrownBy(r::finish).isInstanceOf(HashMismatchException.class)
                .hasMessageContaining(cid.multihash().toHex().substring(4));
    }

    @Test
    void aShortStreamLeavesItIncompleteAndNothingIsHandedOut() throws IOException {
        byte[] data = bytes(3, 5_000);
        VerifyingReceiver r = VerifyingReceiver.expect(Block.raw(data).cid(), data.length);
        assertThat(r.readFrom(new ByteArrayInputStream(data, 0, 4_000))).isEqualTo(4_000);
        assertThat(r.complete()).isFalse();
        assertThatThrownBy(r::finish).isInstanceOf(IllegalStateException.class).hasMessageContaining("4000 of 5000");
    }

    @Test
    void readsNothingPastTheExpectedLength() throws IOException {
        byte[] data = bytes(4, 1_000);
        byte[] longer = new byte[1_500];
        System.arraycopy(data, 0, longer, 0, data.length);
        ByteArrayInputStream in = new ByteArrayInputStream(longer);
        VerifyingReceiver r = VerifyingReceiver.expect(Block.raw(data).cid(), data.length);
        r.readFrom(in);
        assertThat(in.available()).isEqualTo(500);
        assertThat(r.finish().bytes()).isEqualTo(data);
    }

    @Test
    void functionsWithoutAJdkDigestAreHashedInOnePassAtTheEnd() throws IOException {
        byte[] data = bytes(5, 70_000);
        Cid blake3 = Cid.v1(Multicodec.RAW, Multihash.digest(HashFunction.BLAKE3, data));
        VerifyingReceiver ok = VerifyingReceiver.expect(blake3, data.length);
        ok.readFrom(trickle(data, 4096));
        assertThat(ok.finish().bytes()).isEqualTo(data);

        byte[] corrupt = data.clone();
        corrupt[0] ^= 1;
        VerifyingReceiver bad = VerifyingReceiver.expect(blake3, data.length);
        bad.readFrom(new ByteArrayInputStream(corrupt));
        assertThatThrownBy(bad::finish).isInstanceOf(HashMismatchException.class);
    }

    @Test
    void truncatedDigestsAndOtherShaFunctionsAreCompared() throws IOException {
        byte[] data = bytes(6, 2_000);
        Cid sha512 = Cid.of(Multicodec.RAW, HashFunction.SHA2_512, data);
        VerifyingReceiver r = VerifyingReceiver.expect(sha512, data.length);
        r.readFrom(new ByteArrayInputStream(data));
        assertThat(r.finish().cid()).isEqualTo(sha512);

        Cid truncated = Cid.v1(Multicodec.RAW, Multihash.digest(HashFunction.SHA2_256, data, 20));
        VerifyingReceiver t = VerifyingReceiver.expect(truncated, data.length);
        t.readFrom(new ByteArrayInputStream(data));
        assertThat(t.finish().bytes()).isEqualTo(data);
    }

    @Test
    void anUnknownHashFunctionCannotBeVerified() throws IOException {
        Cid odd = Cid.v1(Multicodec.RAW, Multihash.of(0x300001L, new byte[32]));
        VerifyingReceiver r = VerifyingReceiver.expect(odd, 3);
        r.readFrom(new ByteArrayInputStream(new byte[3]));
        assertThatThrownBy(r::finish).isInstanceOf(BlockstoreException.class).hasMessageContaining("not supported");
    }
}
