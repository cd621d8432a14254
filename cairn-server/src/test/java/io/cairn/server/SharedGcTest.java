package io.cairn.server;

import io.cairn.redis.RedisProcesses;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Garbage collection on two nodes sharing one bucket (s3proxy) and one Redis Cluster (redis-server,
 * three masters): the pins live in the bucket, so a collection on B keeps what A pinned, and the
 * lease in Redis lets one collection run at a time: a second node is told a collection runs
 * elsewhere, and a lease left by a dead holder expires by itself.
 */
class SharedGcTest {
    private static final String PREFIX = "shared-gc";
    private static final String LEASE_KEY = "cairn:blk:gc-lease";
    private static final Duration LEASE_TTL = Duration.ofSeconds(2);
    private static SharedNodes nodes;
    private static RedisProcesses redis;
    private static CairnServer a;
    private static CairnServer b;

    @BeforeAll
    static void start() throws Exception {
        nodes = SharedNodes.start(PREFIX, 0, cfg -> cfg.gcLeaseTtl(LEASE_TTL));
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

    private static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    private static HttpResponse<byte[]> gc(CairnServer node) throws Exception {
        return TestHttp.post(node.apiUri(), "/api/v0/repo/gc");
    }

    private static Set<String> removed(HttpResponse<byte[]> gc) throws Exception {
        Set<String> out = new HashSet<>();
        TestHttp.jsonLines(gc).forEach(l -> out.add(l.get("Key").get("/").asText()));
        return out;
    }

    /** Whether any master of the cluster holds the lease key. */
    private static boolean leaseHeld() throws Exception {
        for (RedisProcesses.Node n : redis.nodes()) {
            if (redis.command(n.port(), "EXISTS", LEASE_KEY).startsWith(":1")) {
                return true;
            }
        }
        return false;
    }

    private static void gcUntilFree(CairnServer node) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (gc(node).statusCode() == 409 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    @Test
    void pinsAddedOnASurviveAGcOnB() throws Exception {
        gcUntilFree(b); // start from a bucket with nothing unpinned
        byte[] file = random(20_000, 1);
        HttpResponse<byte[]> add = TestHttp.postMultipart(a.apiUri(), "/api/v0/add?pin=true&chunker=size-4096&cid-version=1",
                List.of(new TestHttp.Part("file", file)));
        assertThat(add.statusCode()).as(TestHttp.text(add)).isEqualTo(200);
        String root = TestHttp.jsonLines(add).getLast().get("Hash").asText();
        byte[] direct = random(3000, 2);
        String directCid = TestHttp.putOk(a.apiUri(), direct);
        HttpResponse<byte[]> pin = TestHttp.post(a.apiUri(), "/api/v0/pin/add?arg=" + directCid + "&recursive=false");
        assertThat(pin.statusCode()).as(TestHttp.text(pin)).isEqualTo(200);
        List<String> garbage = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            garbage.add(TestHttp.putOk(a.apiUri(), random(1000 + i, 100 + i)));
        }

        HttpResponse<byte[]> r = gc(b);
        assertThat(r.statusCode()).as(TestHttp.text(r)).isEqualTo(200);
        assertThat(removed(r)).as("B removed the unpinned blocks").containsAll(garbage);

        HttpResponse<byte[]> cat = TestHttp.post(b.apiUri(), "/api/v0/cat?arg=" + root);
        assertThat(cat.statusCode()).as("A's recursively pinned file, read on B after B's GC").isEqualTo(200);
        assertThat(cat.body()).isEqualTo(file);
        assertThat(TestHttp.get(a.gatewayUri(), "/ipfs/" + directCid + "?format=raw").body()).isEqualTo(direct);
        for (String g : garbage) {
            assertThat(TestHttp.get(a.gatewayUri(), "/ipfs/" + g + "?format=raw").statusCode()).isEqualTo(404);
        }
        HttpResponse<byte[]> ls = TestHttp.post(b.apiUri(), "/api/v0/pin/ls?type=direct");
        assertThat(TestHttp.text(ls)).as("B lists A's pins").contains(directCid);
    }

    @Test
    void ofTwoConcurrentCollectionsOneRunsAndTheOtherIsTold() throws Exception {
        gcUntilFree(a);
        for (int i = 0; i < 300; i++) {
            TestHttp.putOk(b.apiUri(), random(200 + i, 10_000 + i));
        }
        CompletableFuture<HttpResponse<byte[]>> onA = CompletableFuture.supplyAsync(() -> {
            try {
                return gc(a);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!leaseHeld() && !onA.isDone() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(onA.isDone()).as("A's collection of 300 blocks still running when its lease shows").isFalse();
        HttpResponse<byte[]> onB = gc(b);
        assertThat(onB.statusCode()).as(TestHttp.text(onB)).isEqualTo(409);
        assertThat(TestHttp.json(onB).get("Message").asText()).contains("running on another node");
        HttpResponse<byte[]> first = onA.get(120, TimeUnit.SECONDS);
        assertThat(first.statusCode()).as(TestHttp.text(first)).isEqualTo(200);
        assertThat(removed(first)).hasSizeGreaterThanOrEqualTo(300);
        assertThat(leaseHeld()).as("released when A's collection ended").isFalse();
        assertThat(gc(b).statusCode()).as("B may collect now").isEqualTo(200);
    }

    @Test
    void aLeaseLeftByADeadHolderExpiresAndTheNextCollectionProceeds() throws Exception {
        gcUntilFree(a);
        // What a node killed mid-collection leaves behind: its token, expiring one TTL after its last renewal.
        String owner = null;
        for (RedisProcesses.Node n : redis.nodes()) {
            String reply = redis.command(n.port(), "SET", LEASE_KEY, "dead-node/1", "NX", "PX",
                    Long.toString(LEASE_TTL.toMillis()));
            if (reply.startsWith("+OK")) {
                owner = "127.0.0.1:" + n.port();
                break;
            }
        }
        assertThat(owner).as("the master owning the lease key took the dead holder's token").isNotNull();
        HttpResponse<byte[]> told = gc(a);
        assertThat(told.statusCode()).isEqualTo(409);
        assertThat(TestHttp.json(told).get("Message").asText()).contains("dead-node");
        long start = System.nanoTime();
        int status;
        while ((status = gc(a).statusCode()) == 409 && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(30)) {
            Thread.sleep(50);
        }
        assertThat(status).as("A collects once the dead holder's lease expired").isEqualTo(200);
        System.out.printf("collection proceeded %.0f ms after a dead holder's lease (ttl %d ms)%n",
                (System.nanoTime() - start) / 1e6, LEASE_TTL.toMillis());
    }
}
