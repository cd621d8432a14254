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
 * within a second.
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
        int slot = SlotHash.getSlot(CHANNEL);
        RedisProcesses.Node old = redis.masterOf(slot);
        assertThat(subscription(b)).isEqualTo("127.0.0.1:" + old.port());

        redis.kill(old);
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
