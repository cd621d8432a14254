package io.cairn.server;

import io.cairn.blockstore.Block;
import io.cairn.s3.S3ProxyFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared topology on 127.0.0.1: s3proxy, a real three-master Redis Cluster (redis-server,
 * {@code redis-cli --cluster create}) and two in-process Cairn nodes with {@code store = s3} on the
 * same bucket and prefix and {@code redis-cluster} on the same cluster, each with its own disk cache.
 */
class TwoNodeSharedStoreTest {
    private static final String PREFIX = "shared";
    private static SharedNodes nodes;
    private static S3ProxyFixture s3;
    private static CairnServer a;
    private static CairnServer b;

    @BeforeAll
    static void start() throws Exception {
        nodes = SharedNodes.start(PREFIX, 0, cfg -> cfg);
        s3 = nodes.s3;
        a = nodes.a;
        b = nodes.b;
    }

    @AfterAll
    static void stop() {
        if (nodes != null) {
            nodes.close();
        }
    }

    private static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    private static HttpResponse<byte[]> raw(CairnServer node, String cid) throws Exception {
        return TestHttp.get(node.gatewayUri(), "/ipfs/" + cid + "?format=raw");
    }

    @Test
    void bothNodesRunTheRedisClusterTier() throws Exception {
        for (CairnServer n : List.of(a, b)) {
            var health = TestHttp.json(TestHttp.get(n.apiUri(), "/health"));
            assertThat(health.get("store").get("type").asText()).isEqualTo("s3");
            assertThat(health.get("store").get("redis").get("breaker").asText()).isEqualTo("CLOSED");
            assertThat(health.get("store").get("redis").get("endpoint").asText()).startsWith("redis-cluster");
        }
    }

    @Test
    void aBlockPutOnAIsReadableOnBAtOnce() throws Exception {
        for (int i = 0; i < 20; i++) {
            byte[] data = random(1000 + i * 97, 10 + i);
            String cid = TestHttp.putOk(a.apiUri(), data);
            HttpResponse<byte[]> r = raw(b, cid);
            assertThat(r.statusCode()).as("block %d on B right after the put on A", i).isEqualTo(200);
            assertThat(r.body()).isEqualTo(data);
        }
    }

    @Test
    void rmOnAMakesB404WithinOneSecond() throws Exception {
        List<String> cids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            byte[] data = random(2000 + i, 100 + i);
            String cid = TestHttp.putOk(a.apiUri(), data);
            // B reads it twice, so it sits in B's in-process cache, has/size cache and disk cache
            assertThat(raw(b, cid).body()).isEqualTo(data);
            assertThat(raw(b, cid).body()).isEqualTo(data);
            assertThat(TestHttp.head(b.gatewayUri(), "/ipfs/" + cid + "?format=raw").statusCode()).isEqualTo(200);
            cids.add(cid);
        }
        long worstNanos = 0;
        for (String cid : cids) {
            HttpResponse<byte[]> rm = TestHttp.post(a.apiUri(), "/api/v0/block/rm?arg=" + cid);
            assertThat(rm.statusCode()).as(TestHttp.text(rm)).isEqualTo(200);
            long start = System.nanoTime();
            long deadline = start + TimeUnit.SECONDS.toNanos(1);
            int status;
            while ((status = raw(b, cid).statusCode()) != 404 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            long took = System.nanoTime() - start;
            worstNanos = Math.max(worstNanos, took);
            assertThat(status).as("B's answer for %s within 1 s of rm on A", cid).isEqualTo(404);
            assertThat(TestHttp.head(b.gatewayUri(), "/ipfs/" + cid + "?format=raw").statusCode()).isEqualTo(404);
            assertThat(raw(a, cid).statusCode()).isEqualTo(404);
        }
        System.out.printf("rm on A -> 404 on B: worst %.1f ms over %d blocks%n", worstNanos / 1e6, cids.size());
    }

    @Test
    void concurrentPutsOfOneCidFromBothNodesAreBothAcknowledgedAndMakeOneObject() throws Exception {
        try (S3Client client = s3.client()) {
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                for (int i = 0; i < 10; i++) {
                    byte[] data = random(50_000 + i, 1000 + i);
                    String expected = Block.raw(data).cid().toString();
                    int before = objects(client).size();
                    CyclicBarrier barrier = new CyclicBarrier(2);
                    List<Future<String>> puts = new ArrayList<>();
                    for (CairnServer n : List.of(a, b)) {
                        puts.add(pool.submit(() -> {
                            barrier.await(10, TimeUnit.SECONDS);
                            return TestHttp.putOk(n.apiUri(), data);
                        }));
                    }
                    for (Future<String> f : puts) {
                        assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo(expected);
                    }
                    List<S3Object> after = objects(client);
                    assertThat(after).as("one object for the CID put from both nodes").hasSize(before + 1);
                    assertThat(raw(a, expected).body()).isEqualTo(data);
                    assertThat(raw(b, expected).body()).isEqualTo(data);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static List<S3Object> objects(S3Client client) {
        List<S3Object> all = new ArrayList<>();
        client.listObjectsV2Paginator(r -> r.bucket(S3ProxyFixture.BUCKET).prefix(PREFIX + "/"))
                .contents().forEach(all::add);
        return all;
    }
}
