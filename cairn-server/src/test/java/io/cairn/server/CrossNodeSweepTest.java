package io.cairn.server;

import io.cairn.cid.Cid;
import io.cairn.pin.GarbageCollector;
import io.cairn.redis.RedisProcesses;
import io.lettuce.core.cluster.SlotHash;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A put or a pin on node A while node B's collection sweeps, on one bucket (s3proxy) and one Redis
 * Cluster (three masters). B's collection runs in-process, and right after it deleted its first block
 * (inside its first delete batch, under its GC lock) the test sends A's request and lets B go on once
 * A's request has either been answered or recorded in the shared spared list, so A's request always
 * races the batch that is deleting: (a) a put of a block already in the bucket, unpinned, which the
 * batch then deletes; (b) a recursive pin of a DAG that the batch is deleting. Each request must then
 * either fail or leave what it acknowledged intact.
 */
class CrossNodeSweepTest {
    private static final String SPARED = "cairn:blk:{gc-sweep}:spared";
    private static SharedNodes nodes;
    private static CairnServer a;
    private static CairnServer b;

    @BeforeAll
    static void start() throws Exception {
        nodes = SharedNodes.start("cross-sweep", 0, cfg -> cfg);
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

    private static long sparedEntries() throws Exception {
        RedisProcesses.Node owner = nodes.redis.masterOf(SlotHash.getSlot(SPARED));
        return Long.parseLong(nodes.redis.command(owner.port(), "LLEN", SPARED).trim().substring(1));
    }

    /**
     * Runs B's collection; after its first deletion, sends {@code request} to A and waits until A
     * answered or recorded something for the collection. Returns what B removed and A's answer.
     */
    private static Raced raceFirstBatch(Supplier<HttpResponse<byte[]>> request) throws Exception {
        AtomicReference<CompletableFuture<HttpResponse<byte[]>>> onA = new AtomicReference<>();
        AtomicReference<String> firstRemoved = new AtomicReference<>();
        Set<String> removed = new HashSet<>();
        GarbageCollector.Result result = b.garbageCollector().collect(cid -> {
            removed.add(cid.toString());
            if (onA.get() != null) {
                return;
            }
            firstRemoved.set(cid.toString());
            CompletableFuture<HttpResponse<byte[]>> f = CompletableFuture.supplyAsync(request);
            onA.set(f);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            try {
                while (!f.isDone() && sparedEntries() == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(onA.get()).as("B deleted something, so A's request raced its batch").isNotNull();
        return new Raced(result, removed, firstRemoved.get(), onA.get().get(60, TimeUnit.SECONDS));
    }

    private record Raced(GarbageCollector.Result result, Set<String> removed, String firstRemoved,
                         HttpResponse<byte[]> answer) {
    }

    private static HttpResponse<byte[]> call(Callable c) {
        try {
            return c.call();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private interface Callable {
        HttpResponse<byte[]> call() throws Exception;
    }

    /** Raw bytes of {@code cid} as {@code node} serves them, once its 5 s memory of an absence has passed. */
    private static HttpResponse<byte[]> readEventually(CairnServer node, String cid) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
        HttpResponse<byte[]> r;
        while ((r = TestHttp.get(node.gatewayUri(), "/ipfs/" + cid + "?format=raw")).statusCode() != 200
                && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        return r;
    }

    /** Unpins everything and collects: each test starts from an empty bucket, whatever the other left. */
    private static void emptyBucket() throws Exception {
        HttpResponse<byte[]> ls = TestHttp.post(b.apiUri(), "/api/v0/pin/ls?type=recursive");
        var keys = TestHttp.json(ls).get("Keys");
        if (keys != null) {
            for (var it = keys.fieldNames(); it.hasNext(); ) {
                TestHttp.post(b.apiUri(), "/api/v0/pin/rm?arg=" + it.next());
            }
        }
        b.garbageCollector().collect();
    }

    /** EVAL calls served by all masters so far. */
    private static long evals() throws Exception {
        long n = 0;
        for (RedisProcesses.Node node : nodes.redis.nodes()) {
            for (String line : nodes.redis.command(node.port(), "INFO", "commandstats").split("\r\n")) {
                if (line.startsWith("cmdstat_eval:")) {
                    n += Long.parseLong(line.substring(line.indexOf("calls=") + 6, line.indexOf(',')));
                }
            }
        }
        return n;
    }

    @Test
    void withNoCollectionRunningAPutCostsOneScriptRunInRedis() throws Exception {
        long before = evals();
        for (int i = 0; i < 20; i++) {
            TestHttp.putOk(a.apiUri(), random(1500 + i, 3000 + i));
        }
        long perPut = evals() - before;
        System.out.printf("20 puts with no collection running: %d EVALs%n", perPut);
        assertThat(perPut).as("one script run per put, and nothing else in Redis").isEqualTo(20);
        assertThat(sparedEntries()).isZero();
    }

    @Test
    void aPutOnAOfABlockBsSweepIsDeletingSurvivesOnceAcknowledged() throws Exception {
        emptyBucket();
        byte[] x = random(5000, 42);
        String xCid = TestHttp.putOk(a.apiUri(), x); // in the bucket, unpinned: garbage for B's mark
        List<String> garbage = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            garbage.add(TestHttp.putOk(b.apiUri(), random(700 + i, 500 + i)));
        }
        String xRaw = Cid.parse(xCid).toString();

        Raced r = raceFirstBatch(() -> call(() -> TestHttp.put(a.apiUri(), x, "")));

        assertThat(r.firstRemoved()).as("fixture: X is listed after B's first deletion").isNotEqualTo(xRaw);
        assertThat(r.removed()).as("B's batch, whose list of spared blocks was read before A's put, deleted X")
                .contains(xRaw);
        assertThat(r.answer().statusCode()).as(TestHttp.text(r.answer())).isEqualTo(200);
        HttpResponse<byte[]> read = readEventually(b, xCid);
        assertThat(read.statusCode()).as("X, acknowledged on A during B's sweep, is in the bucket after it").isEqualTo(200);
        assertThat(read.body()).isEqualTo(x);
        assertThat(readEventually(a, xCid).body()).isEqualTo(x);
        assertThat(sparedEntries()).as("the spared list is gone with the collection").isZero();
    }

    @Test
    void aPinOnAOfADagBsSweepIsDeletingFailsOrKeepsTheWholeDag() throws Exception {
        emptyBucket();
        byte[] file = random(24_000, 7);
        HttpResponse<byte[]> add = TestHttp.postMultipart(a.apiUri(), "/api/v0/add?pin=false&chunker=size-4096&cid-version=1",
                List.of(new TestHttp.Part("file", file)));
        assertThat(add.statusCode()).as(TestHttp.text(add)).isEqualTo(200);
        String root = TestHttp.jsonLines(add).getLast().get("Hash").asText();
        for (int i = 0; i < 20; i++) {
            TestHttp.putOk(b.apiUri(), random(900 + i, 900 + i));
        }

        Raced r = raceFirstBatch(() -> call(() -> TestHttp.post(a.apiUri(), "/api/v0/pin/add?arg=" + root)));

        HttpResponse<byte[]> ls = TestHttp.post(b.apiUri(), "/api/v0/pin/ls?type=recursive");
        if (r.answer().statusCode() == 200) {
            HttpResponse<byte[]> cat = TestHttp.post(b.apiUri(), "/api/v0/cat?arg=" + root);
            assertThat(cat.statusCode()).as("a pin acknowledged during B's sweep keeps its whole DAG: " + TestHttp.text(cat))
                    .isEqualTo(200);
            assertThat(cat.body()).isEqualTo(file);
        } else {
            assertThat(TestHttp.text(r.answer())).as("the pin failed cleanly, naming the missing block").contains("not found");
            assertThat(TestHttp.text(ls)).as("and is not left over a hole").doesNotContain(root);
        }
        System.out.printf("pin raced B's batch: %d, B removed %d blocks%n", r.answer().statusCode(), r.result().removedBlocks());
    }
}
