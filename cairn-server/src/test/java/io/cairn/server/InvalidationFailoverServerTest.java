package io.cairn.server;

import io.cairn.redis.RedisProcesses;
import io.lettuce.core.cluster.SlotHash;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two nodes sharing a bucket (s3proxy) and a Redis Cluster with replicas (three masters, one replica
 * each): the master serving the invalidation channel's slot is killed with SIGKILL; once its replica
 * is promoted, both nodes' subscriptions move to it and an {@code rm} on A still makes B answer 404
 * within a second; and a block deleted while the subscriptions were moving, whose invalidation B
 * could not hear (here: removed from the bucket directly, announced by nobody), is no longer served
 * from B's caches once B's subscription is back.
 */
class InvalidationFailoverServerTest {
    private static final String PREFIX = "failover";
    private static final String CHANNEL = "cairn:blk:invalidate";
    private static SharedNodes nodes;
    private static RedisProcesses redis;
    private static CairnServer a;
    private static CairnServer b;

    @BeforeAll
    static void start() throws Exception {
        nodes = SharedNodes.start(PREFIX, 1, cfg -> cfg);
        redis = nodes.redis;
        a = nodes.a;
        b = nodes.b;
    }

    @AfterAll
    static void stop() {
        if (nodes != null) {
            nodes.close();
        }
    }

    private static HttpResponse<byte[]> raw(CairnServer node, String cid) throws Exception {
        return TestHttp.get(node.gatewayUri(), "/ipfs/" + cid + "?format=raw");
    }

    private static String subscription(CairnServer node) throws Exception {
        return TestHttp.json(TestHttp.get(node.apiUri(), "/health")).get("store").get("redis").get("invalidations").asText();
    }

    private static double gaps(CairnServer node) {
        var c = node.registry().find("cairn.redis.invalidation.gaps").counter();
        return c == null ? 0 : c.count();
    }

    /** Deletes a block's object straight from the bucket, telling no node. */
    private static void deleteBehindTheNodesBacks(String cid) {
        String name = io.cairn.cid.Multibase.BASE32UPPER.encodeRaw(io.cairn.cid.Cid.parse(cid).multihash().toBytes());
        var client = nodes.s3.client();
        var keys = client.listObjectsV2Paginator(r -> r.bucket(io.cairn.s3.S3ProxyFixture.BUCKET).prefix(PREFIX + "/"))
                .contents().stream().map(o -> o.key()).filter(k -> k.contains("/" + name + ".")).toList();
        assertThat(keys).as("the block's object").hasSize(1);
        client.deleteObject(r -> r.bucket(io.cairn.s3.S3ProxyFixture.BUCKET).key(keys.getFirst()));
    }

    @Test
    void rmOnAReachesBWithinOneSecondAfterTheChannelsMasterFailedOver() throws Exception {
        List<String> cids = new ArrayList<>();
        List<byte[]> blocks = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            byte[] data = new byte[3000 + i];
            new Random(i).nextBytes(data);
            cids.add(TestHttp.putOk(a.apiUri(), data));
            blocks.add(data);
        }
        for (int i = 0; i < cids.size(); i++) {
            // B reads each twice: in its in-process cache, its disk cache and Redis
            assertThat(raw(b, cids.get(i)).body()).isEqualTo(blocks.get(i));
            assertThat(raw(b, cids.get(i)).body()).isEqualTo(blocks.get(i));
        }
        byte[] unheard = new byte[4000];
        new Random(99).nextBytes(unheard);
        String unheardCid = TestHttp.putOk(a.apiUri(), unheard);
        assertThat(raw(b, unheardCid).body()).isEqualTo(unheard);
        assertThat(raw(b, unheardCid).body()).as("cached on B").isEqualTo(unheard);
        int slot = SlotHash.getSlot(CHANNEL);
        RedisProcesses.Node old = redis.masterOf(slot);
        assertThat(subscription(b)).isEqualTo("127.0.0.1:" + old.port());
        double gapsBefore = gaps(b);

        redis.kill(old);
        deleteBehindTheNodesBacks(unheardCid); // in the gap: an invalidation nobody can hear
        RedisProcesses.Node promoted = redis.awaitPromotion(slot, old, Duration.ofSeconds(60));
        String expected = "127.0.0.1:" + promoted.port();
        long seen = System.nanoTime();
        while ((!subscription(a).equals(expected) || !subscription(b).equals(expected))
                && System.nanoTime() - seen < TimeUnit.SECONDS.toNanos(10)) {
            Thread.sleep(20);
        }
        assertThat(subscription(b)).as("B's subscription on the promoted replica").isEqualTo(expected);
        assertThat(subscription(a)).as("A's subscription on the promoted replica").isEqualTo(expected);
        System.out.printf("both nodes subscribed on the promoted master %.0f ms after the promotion was seen%n",
                (System.nanoTime() - seen) / 1e6);
        long back = System.nanoTime();
        while (gaps(b) == gapsBefore && System.nanoTime() - back < TimeUnit.SECONDS.toNanos(5)) {
            Thread.sleep(20);
        }
        assertThat(gaps(b)).as("B counted the gap in its subscription").isGreaterThan(gapsBefore);
        assertThat(raw(b, unheardCid).statusCode()).as("a block deleted during the gap is not served from B's caches")
                .isEqualTo(404);

        long worst = 0;
        for (String cid : cids) {
            HttpResponse<byte[]> rm = TestHttp.post(a.apiUri(), "/api/v0/block/rm?arg=" + cid);
            assertThat(rm.statusCode()).as(TestHttp.text(rm)).isEqualTo(200);
            long start = System.nanoTime();
            int status;
            while ((status = raw(b, cid).statusCode()) != 404 && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(1)) {
                Thread.sleep(10);
            }
            worst = Math.max(worst, System.nanoTime() - start);
            assertThat(status).as("B's answer for %s within 1 s of rm on A, after the failover", cid).isEqualTo(404);
        }
        System.out.printf("rm on A -> 404 on B after the failover: worst %.1f ms over %d blocks%n", worst / 1e6, cids.size());
    }
}
