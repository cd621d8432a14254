package io.cairn.ipns;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * IPNS records against the specification's test vectors (gateway-conformance's fixtures, see
 * src/test/resources/ipns/README.md) and records made here: valid ones verify and give their value,
 * the invalid ones are refused naming why; expiry, a record for another name, a tampered byte.
 */
class IpnsRecordTest {
    static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

    static byte[] fixture(String file) throws IOException {
        try (InputStream in = IpnsRecordTest.class.getResourceAsStream("/ipns/" + file + ".ipns-record")) {
            assertThat(in).as(file + " is in the test resources").isNotNull();
            return in.readAllBytes();
        }
    }

    static IpnsRecord verify(String file) throws IOException {
        String name = file.contains("_") ? file.substring(0, file.indexOf('_')) : file;
        return IpnsRecord.verified(fixture(file), IpnsName.parse(name), NOW);
    }

    @Test
    void theSpecsValidVectorsVerifyAndGiveTheirValue() throws Exception {
        assertThat(verify("k51qzi5uqu5dlkw8pxuw9qmqayfdeh4kfebhmreauqdc6a7c3y7d5i9fi8mk9w_v1-v2").value())
                .isEqualTo("/ipfs/bafkqaddwgevxmmraojswg33smq");
        assertThat(verify("k51qzi5uqu5dilgf7gorsh9vcqqq4myo6jd4zmqkuy9pxyxi5fua3uf7axph4y_v1-v2-broken-signature-v1").value())
                .isEqualTo("/ipfs/bafkqahtwgevxmmrao5uxi2bamjzg623fnyqhg2lhnzqxi5lsmuqhmmi");
        IpnsRecord v2 = verify("k51qzi5uqu5dit2ku9mutlfgwyz8u730on38kd10m97m36bjt66my99hb6103f_v2");
        assertThat(v2.value()).startsWith("/ipfs/");
        assertThat(v2.validity()).isAfter(NOW.plus(Duration.ofDays(365 * 50)));
    }

    @Test
    void theSpecsInvalidVectorsAreRefusedSayingWhy() {
        assertThatThrownBy(() -> verify("k51qzi5uqu5dm4tm0wt8srkg9h9suud4wuiwjimndrkydqm81cqtlb5ak6p7ku_v1"))
                .isInstanceOf(InvalidIpnsRecordException.class).hasMessageContaining("V1-only");
        assertThatThrownBy(() -> verify("k51qzi5uqu5dlmit2tuwdvnx4sbnyqgmvbxftl0eo3f33wwtb9gr7yozae9kpw_v1-v2-broken-v1-value"))
                .isInstanceOf(InvalidIpnsRecordException.class).hasMessageContaining("V1 fields disagree");
        assertThatThrownBy(() -> verify("k51qzi5uqu5diamp7qnnvs1p1gzmku3eijkeijs3418j23j077zrkok63xdm8c_v1-v2-broken-signature-v2"))
                .isInstanceOf(InvalidIpnsRecordException.class).hasMessageContaining("signatureV2 does not verify");
    }

    @Test
    void legacyPeerIdNamesParseAndRsaKeysAreRefused() throws Exception {
        IpnsName peer = IpnsName.parse("12D3KooWLQzUv2FHWGVPXTXSZpdHs7oHbXub2G5WC8Tx4NQhyd2d");
        assertThat(IpnsName.parse(peer.toString())).isEqualTo(peer);
        assertThat(peer.toString()).startsWith("k51");
        IpnsRecord r = IpnsRecord.parse(fixture("12D3KooWLQzUv2FHWGVPXTXSZpdHs7oHbXub2G5WC8Tx4NQhyd2d"));
        // verified at a time before its expiry: the signature is Kubo's
        assertThat(r.verify(peer, r.validity().minusSeconds(60)).value()).startsWith("/ipfs/");
        assertThatThrownBy(() -> verify("QmVujd5Vb7moysJj8itnGufN7MEtPRCNHkKpNuA4onsRa3"))
                .isInstanceOf(InvalidIpnsRecordException.class).hasMessageContaining("RSA");
        assertThatThrownBy(() -> IpnsName.parse("bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"))
                .isInstanceOf(InvalidIpnsRecordException.class).hasMessageContaining("not libp2p-key");
        assertThatThrownBy(() -> IpnsName.parse("not-a-name")).isInstanceOf(InvalidIpnsRecordException.class);
    }

    @Test
    void recordsMadeHereVerifyAndTamperingOrExpiryIsRefused() {
        byte[] key = Ed25519Key.generate();
        IpnsName name = IpnsName.ofEd25519(Ed25519Key.publicOf(key));
        Instant until = NOW.plus(Duration.ofHours(24));
        IpnsRecord r = IpnsRecord.create(key, "/ipfs/bafkqaaa", 3, until, Duration.ofMinutes(10));
        IpnsRecord back = IpnsRecord.verified(r.bytes(), name, NOW);
        assertThat(back.value()).isEqualTo("/ipfs/bafkqaaa");
        assertThat(back.sequence()).isEqualTo(3);
        assertThat(back.ttl()).isEqualTo(Duration.ofMinutes(10));
        assertThat(back.validity()).isEqualTo(until);
        assertThat(back.cacheFor(NOW)).isEqualTo(Duration.ofMinutes(10));
        assertThat(back.cacheFor(until.minusSeconds(30))).isEqualTo(Duration.ofSeconds(30));

        assertThatThrownBy(() -> IpnsRecord.verified(r.bytes(), name, until))
                .isInstanceOf(InvalidIpnsRecordException.class).hasMessageContaining("expired");
        IpnsName other = IpnsName.ofEd25519(Ed25519Key.publicOf(Ed25519Key.generate()));
        assertThatThrownBy(() -> IpnsRecord.verified(r.bytes(), other, NOW))
                .isInstanceOf(InvalidIpnsRecordException.class).hasMessageContaining("signatureV2");
        // flip one byte of the signed value
        byte[] bad = r.bytes().clone();
        int at = indexOf(bad, "bafkqaaa".getBytes());
        bad[at] ^= 1;
        assertThatThrownBy(() -> IpnsRecord.verified(bad, name, NOW)).isInstanceOf(InvalidIpnsRecordException.class);
        assertThatThrownBy(() -> IpnsRecord.parse(new byte[IpnsRecord.MAX_SIZE + 1]))
                .isInstanceOf(InvalidIpnsRecordException.class).hasMessageContaining("limit");
        assertThatThrownBy(() -> IpnsRecord.parse(new byte[] {(byte) 0xff, 0x01}))
                .isInstanceOf(InvalidIpnsRecordException.class);

        IpnsRecord newer = IpnsRecord.create(key, "/ipfs/bafkqaaa", 4, NOW.plusSeconds(60), Duration.ofMinutes(1));
        assertThat(newer.supersedes(r)).isTrue();
        assertThat(r.supersedes(newer)).isFalse();
    }

    static int indexOf(byte[] hay, byte[] needle) {
        for (int i = 0; i + needle.length <= hay.length; i++) {
            if (Arrays.equals(hay, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }
}
