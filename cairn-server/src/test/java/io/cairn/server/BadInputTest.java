package io.cairn.server;

import io.cairn.car.CarWriter;
import io.cairn.cid.Cid;
import io.cairn.cid.HashFunction;
import io.cairn.cid.Multicodec;
import io.cairn.cid.Multihash;
import io.cairn.cid.Varint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 11, defects 5 and 6: bad input answered 4xx naming what was wrong (it was 500, 404 or
 * accepted), every answer carrying a request id, and no absolute path shown to clients.
 */
class BadInputTest {
    private static ServerExtension s;

    @BeforeAll
    static void start() throws Exception {
        s = new ServerExtension();
    }

    @AfterAll
    static void stop() throws Exception {
        s.close();
    }

    @Test
    void invalidPercentEncodingInAQueryIs400OnBothListeners() throws Exception {
        RawHttp.Answer api = RawHttp.exchange(s.server.apiPort(), "POST /api/v0/block/stat?arg=%zz HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", 5_000);
        assertThat(api.status()).as(api.body()).isEqualTo(400);
        assertThat(api.body()).contains("invalid query string").contains("%zz");
        RawHttp.Answer gw = RawHttp.exchange(s.server.gatewayPort(), "GET /ipfs/bafkqaaa?format=%e0%zz HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\nConnection: close\r\n\r\n", 5_000);
        assertThat(gw.status()).as(gw.body()).isEqualTo(400);
        assertThat(gw.body()).contains("invalid query string");
    }

    @Test
    void anIdentityCidWithA5000ByteDigestIs400OnTheGateway() throws Exception {
        Cid big = Cid.v1(Multicodec.RAW, Multihash.of(HashFunction.IDENTITY.code(), new byte[5000]));
        for (String format : List.of("raw", "car")) {
            HttpResponse<byte[]> r = TestHttp.get(s.server.gatewayUri(), "/ipfs/" + big + "?format=" + format);
            assertThat(r.statusCode()).as(format + ": " + TestHttp.text(r)).isEqualTo(400);
            assertThat(TestHttp.text(r)).contains("identity").contains("128-byte limit");
        }
        // At the limit it is still served (the data is the digest).
        Cid ok = Cid.v1(Multicodec.RAW, Multihash.of(HashFunction.IDENTITY.code(), new byte[128]));
        assertThat(TestHttp.get(s.server.gatewayUri(), "/ipfs/" + ok + "?format=raw").statusCode()).isEqualTo(200);
    }

    @Test
    void anUnsupportedMultihashInARequestedCidIs400() throws Exception {
        Cid murmur = Cid.v1(Multicodec.RAW, Multihash.of(0x22, new byte[32]));
        HttpResponse<byte[]> gw = TestHttp.get(s.server.gatewayUri(), "/ipfs/" + murmur + "?format=raw");
        assertThat(gw.statusCode()).as(TestHttp.text(gw)).isEqualTo(400);
        assertThat(TestHttp.text(gw)).contains("unsupported hash function 0x22");
        HttpResponse<byte[]> rpc = TestHttp.post(s.server.apiUri(), "/api/v0/block/get?arg=" + murmur);
        assertThat(rpc.statusCode()).isEqualTo(400);
        assertThat(TestHttp.json(rpc).get("Message").asText()).contains("unsupported hash function");
    }

    @Test
    void sha256DigestsShorterThan20BytesAreRefused() throws Exception {
        HttpResponse<byte[]> put = TestHttp.put(s.server.apiUri(), "short".getBytes(StandardCharsets.UTF_8), "mhlen=16");
        assertThat(put.statusCode()).as(TestHttp.text(put)).isEqualTo(400);
        assertThat(TestHttp.json(put).get("Message").asText()).contains("at least 20 bytes");
        // 20 bytes is Kubo's minimum and is accepted.
        assertThat(TestHttp.put(s.server.apiUri(), "short".getBytes(StandardCharsets.UTF_8), "mhlen=20").statusCode())
                .isEqualTo(200);
        byte[] data = "x".getBytes(StandardCharsets.UTF_8);
        Cid truncated = Cid.v1(Multicodec.RAW, Multihash.digest(HashFunction.SHA2_256, data, 16));
        HttpResponse<byte[]> gw = TestHttp.get(s.server.gatewayUri(), "/ipfs/" + truncated + "?format=raw");
        assertThat(gw.statusCode()).isEqualTo(400);
        HttpResponse<byte[]> car = importCar(truncated, data);
        assertThat(car.statusCode()).as(TestHttp.text(car)).isEqualTo(400);
        assertThat(TestHttp.json(car).get("Message").asText()).contains("invalid CAR").contains("20-byte minimum");
    }

    @Test
    void aCarSectionWithAnUnsupportedMultihashIs400() throws Exception {
        Cid murmur = Cid.v1(Multicodec.RAW, Multihash.of(0x22, new byte[32]));
        HttpResponse<byte[]> r = importCar(murmur, new byte[] {1, 2, 3});
        assertThat(r.statusCode()).as(TestHttp.text(r)).isEqualTo(400);
        assertThat(TestHttp.json(r).get("Message").asText()).contains("invalid CAR").contains("unsupported hash function");
    }

    @Test
    void gzipTransferCodingIs501() throws Exception {
        byte[] body = TestHttp.multipart("b", List.of(new TestHttp.Part("file", "hello".getBytes(StandardCharsets.UTF_8))));
        ByteArrayOutputStream req = new ByteArrayOutputStream();
        req.writeBytes(("POST /api/v0/block/put HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=b\r\n"
                + "Transfer-Encoding: gzip, chunked\r\n\r\n" + Integer.toHexString(body.length) + "\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        req.writeBytes(body);
        req.writeBytes("\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        RawHttp.Answer a = RawHttp.exchange(s.server.apiPort(), req.toByteArray(), 5_000);
        assertThat(a.status()).as(a.body()).isEqualTo(501);
        assertThat(a.body()).contains("Transfer-Encoding 'gzip, chunked' is not supported");
    }

    @Test
    void everyAnswerCarriesARequestIdAndHealthShowsNoPath() throws Exception {
        HttpResponse<byte[]> ok = TestHttp.get(s.server.apiUri(), "/health");
        HttpResponse<byte[]> miss = TestHttp.get(s.server.gatewayUri(), "/ipfs/bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy?format=raw");
        assertThat(TestHttp.header(ok, "X-Request-Id")).matches("[0-9a-f]{6}-[0-9a-z]+");
        assertThat(TestHttp.header(miss, "X-Request-Id")).matches("[0-9a-f]{6}-[0-9a-z]+");
        assertThat(TestHttp.header(ok, "X-Request-Id")).isNotEqualTo(TestHttp.header(miss, "X-Request-Id"));
        String health = TestHttp.text(ok);
        assertThat(health).doesNotContain(s.dir.toString()).doesNotContain(s.dir.toRealPath().toString());
        assertThat(TestHttp.json(ok).get("store").get("state").asText()).isEqualTo("open");
    }

    /** dag/import of a CARv1 with one section: {@code cid} then {@code data}. */
    private static HttpResponse<byte[]> importCar(Cid cid, byte[] data) throws Exception {
        ByteArrayOutputStream car = new ByteArrayOutputStream();
        byte[] header = CarWriter.header(List.of(cid));
        car.writeBytes(varint(header.length));
        car.writeBytes(header);
        byte[] c = cid.toBytes();
        car.writeBytes(varint(c.length + data.length));
        car.writeBytes(c);
        car.writeBytes(data);
        return TestHttp.postMultipart(s.server.apiUri(), "/api/v0/dag/import", List.of(new TestHttp.Part("file", car.toByteArray())));
    }

    private static byte[] varint(long v) {
        byte[] b = new byte[Varint.size(v)];
        Varint.write(v, b, 0);
        return Arrays.copyOf(b, b.length);
    }
}
