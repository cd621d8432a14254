package io.cairn.redis;

import io.cairn.blockstore.Block;
import io.cairn.blockstore.BlockNotFoundException;
import io.cairn.blockstore.MemoryBlockstore;
import io.cairn.memory.ManualMemoryGovernor;
import io.cairn.memory.PressureLevel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The tier against a real standalone redis-server on 127.0.0.1. */
class RedisBlockTierTest {
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private <T extends AutoCloseable> T track(T t) {
        open.add(t);
        return t;
    }

    private static Block block(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return Block.raw(b);
    }

    private RedisBlockTier tier(RedisProcesses redis, CountingStore store, RedisTierOptions options,
                                ManualMemoryGovernor governor) {
        L2Store l2 = LettuceL2Store.connect(redis.endpoint(), options.commandTimeout());
        return track(RedisBlockTier.over(store, l2, options, governor, null));
    }

    /** Generous timeouts: the tests share a loaded machine, and a slow answer here is not the point. */
    private static RedisTierOptions fast() {
        return RedisTierOptions.defaults().withCommandTimeout(Duration.ofSeconds(1)).withBreakerOpenFor(Duration.ofMillis(500));
    }

    private static void awaitSets(RedisBlockTier tier, long n) {
        await().atMost(Duration.ofSeconds(10)).until(() -> tier.metrics().count("set", "ok") >= n
                || tier.metrics().count("set", "timeout") + tier.metrics().count("set", "error") > 0);
        assertThat(tier.metrics().count("set", "ok")).as("populations that succeeded (timeouts: %d, errors: %d)",
                tier.metrics().count("set", "timeout"), tier.metrics().count("set", "error")).isGreaterThanOrEqualTo(n);
    }

    @Test
    void aBlockReadOnceIsServedFromRedisAfterwards() throws Exception {
        RedisProcesses redis = track(RedisProcesses.standalone());
        CountingStore store = new CountingStore(new MemoryBlockstore());
        RedisBlockTier tier = tier(redis, store, fast(), null);
        Block b = block(64 * 1024, 1);
        store.put(b);

        assertThat(tier.get(b.cid()).bytes()).isEqualTo(b.bytes());
        awaitSets(tier, 1);
        assertThat(tier.get(b.cid()).bytes()).isEqualTo(b.bytes());
        int viewed = tier.view(b.cid(), buf -> buf.remaining());
        assertThat(viewed).isEqualTo(b.size());

        assertThat(store.gets).as("reads that reached the store").hasValue(1);
        assertThat(tier.metrics().count("get", "hit")).isEqualTo(2);
        assertThat(redis.command(redis.port(), "PTTL", new String(tier.key(b.cid().multihash()), StandardCharsets.US_ASCII)))
                .as("the value has a TTL").matches("(?s):[1-9][0-9]*\\r\\n");
    }

    @Test
    void aCorruptValueInRedisIsNeverServedAndIsRemoved() throws Exception {
        RedisProcesses redis = track(RedisProcesses.standalone());
        CountingStore store = new CountingStore(new MemoryBlockstore());
        RedisBlockTier tier = tier(redis, store, fast(), null);
        Block b = block(4096, 2);
        store.put(b);
        tier.get(b.cid());
        awaitSets(tier, 1);
        String key = new String(tier.key(b.cid().multihash()), StandardCharsets.US_ASCII);
        assertThat(redis.command(redis.port(), "SET", key, "not the block")).contains("OK");

        assertThat(tier.get(b.cid()).bytes()).isEqualTo(b.bytes());
        assertThat(tier.metrics().corruptCount()).isEqualTo(1);
        assertThat(store.gets).hasValue(2);
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            String exists = redis.command(redis.port(), "EXISTS", key);
            // Deleted, or already repopulated with the right bytes by the fall-through read.
            return exists.contains(":0") || redis.command(redis.port(), "STRLEN", key).contains(":" + b.size());
        });
    }

    @Test
    void blocksOverTheCapSkipTheTier() throws Exception {
        RedisProcesses redis = track(RedisProcesses.standalone());
        CountingStore store = new CountingStore(new MemoryBlockstore());
        RedisBlockTier tier = tier(redis, store, fast().withMaxValueBytes(1024), null);
        Block big = block(2048, 3);
        store.put(big);
        tier.get(big.cid());
        tier.get(big.cid());
        assertThat(store.gets).hasValue(2);
        assertThat(tier.metrics().skippedCount("too_large")).isEqualTo(2);
        assertThat(redis.command(redis.port(), "DBSIZE")).contains(":0");
    }

    @Test
    void noPopulationFromHighPressureUpAndBytesInFlightAreReserved() throws Exception {
        RedisProcesses redis = track(RedisProcesses.standalone());
        CountingStore store = new CountingStore(new MemoryBlockstore());
        ManualMemoryGovernor governor = new ManualMemoryGovernor(64L << 20);
        RedisBlockTier tier = tier(redis, store, fast(), governor);
        Block a = block(4096, 4);
        Block b = block(4096, 5);
        store.put(a);
        store.put(b);

        governor.setLevel(PressureLevel.HIGH);
        tier.get(a.cid());
        assertThat(tier.metrics().skippedCount("pressure")).isEqualTo(1);
        governor.setLevel(PressureLevel.NONE);
        tier.get(b.cid());
        awaitSets(tier, 1);
        assertThat(redis.command(redis.port(), "DBSIZE")).contains(":1");
        await().atMost(Duration.ofSeconds(5)).until(() -> governor.reservedBytes() == 0);
    }

    @Test
    void deleteRemovesTheBlockFromRedisToo() throws Exception {
        RedisProcesses redis = track(RedisProcesses.standalone());
        CountingStore store = new CountingStore(new MemoryBlockstore());
        RedisBlockTier tier = tier(redis, store, fast(), null);
        Block b = block(4096, 6);
        store.put(b);
        tier.get(b.cid());
        awaitSets(tier, 1);

        assertThat(tier.delete(b.cid())).isTrue();
        assertThat(redis.command(redis.port(), "DBSIZE")).contains(":0");
        assertThatThrownBy(() -> tier.get(b.cid())).isInstanceOf(BlockNotFoundException.class);
    }

    @Test
    void aDeleteRedisDidNotSeeIsNeverAnsweredFromRedis() throws Exception {
        RedisProcesses redis = track(RedisProcesses.standalone());
        CountingStore store = new CountingStore(new MemoryBlockstore());
        RedisBlockTier tier = tier(redis, store, fast(), null);
        Block b = block(4096, 7);
        store.put(b);
        tier.get(b.cid());
        awaitSets(tier, 1);

        // Writes (DEL) stall past the timeout while reads still answer: the DEL fails, the value stays.
        assertThat(redis.command(redis.port(), "CLIENT", "PAUSE", "4000", "WRITE")).contains("OK");
        assertThat(tier.delete(b.cid())).isTrue();
        assertThat(tier.metrics().count("del", "ok")).isZero();
        assertThatThrownBy(() -> tier.get(b.cid())).isInstanceOf(BlockNotFoundException.class);
        assertThat(tier.metrics().count("get", "hit")).isZero();
    }

    @Test
    void concurrentMissesForOneBlockReadTheStoreOnce() throws Exception {
        RedisProcesses redis = track(RedisProcesses.standalone());
        CountingStore store = new CountingStore(new MemoryBlockstore());
        RedisBlockTier tier = tier(redis, store, fast(), null);
        Block b = block(16 * 1024, 8);
        store.put(b);
        store.delayMillis = 300;
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<byte[]>> reads = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                reads.add(pool.submit(() -> {
                    go.await();
                    return tier.get(b.cid()).bytes();
                }));
            }
            go.countDown();
            for (Future<byte[]> f : reads) {
                assertThat(f.get()).isEqualTo(b.bytes());
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.gets).as("store reads for 16 concurrent misses").hasValue(1);
    }

    @Test
    void redisFullWithNoevictionIsCountedAndReadsKeepWorking() throws Exception {
        RedisProcesses redis = track(RedisProcesses.standalone("--maxmemory", "2mb", "--maxmemory-policy", "noeviction"));
        // Fill Redis to its limit with filler of its own.
        String filler = "x".repeat(64 * 1024);
        for (int i = 0; i < 200 && !redis.command(redis.port(), "SET", "filler" + i, filler).startsWith("-OOM"); i++) {
            // until Redis refuses
        }
        CountingStore store = new CountingStore(new MemoryBlockstore());
        RedisBlockTier tier = tier(redis, store, fast(), null);
        Block b = block(64 * 1024, 9);
        store.put(b);
        for (int i = 0; i < 3; i++) {
            assertThat(tier.get(b.cid()).bytes()).isEqualTo(b.bytes());
            int expected = i + 1;
            await().atMost(Duration.ofSeconds(5)).until(() -> tier.metrics().count("set", "refused") >= expected);
        }
        assertThat(tier.metrics().count("set", "refused")).isEqualTo(3);
        assertThat(tier.breakerState()).as("a full Redis is up: the breaker stays closed").isEqualTo("CLOSED");
    }

    @Test
    void withRedisGoneReadsComeFromTheStoreAndTheBreakerOpensThenCloses() throws Exception {
        RedisProcesses redis = track(RedisProcesses.standalone());
        CountingStore store = new CountingStore(new MemoryBlockstore());
        RedisBlockTier tier = tier(redis, store, fast(), null);
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            Block b = block(1024, 100 + i);
            store.put(b);
            blocks.add(b);
        }
        redis.kill(redis.nodes().getFirst());
        for (Block b : blocks) {
            assertThat(tier.get(b.cid()).bytes()).isEqualTo(b.bytes());
        }
        assertThat(tier.metrics().count("get", "error") + tier.metrics().count("get", "timeout")).isPositive();
        assertThat(tier.breakerState()).isEqualTo("OPEN");
        assertThat(tier.metrics().count("get", "rejected")).as("calls not even tried while open").isPositive();
        assertThat(store.gets).hasValue(30);
    }

    @Test
    void aBlockAnotherNodeDeletedIsNeverServedFromRedisHereAgain() throws Exception {
        RedisProcesses redis = track(RedisProcesses.standalone());
        CountingStore store = new CountingStore(new MemoryBlockstore());
        RedisBlockTier tier = tier(redis, store, fast(), null);
        Block b = block(4096, 77);
        store.put(b);
        tier.get(b.cid());
        awaitSets(tier, 1);
        String key = new String(tier.key(b.cid().multihash()), StandardCharsets.US_ASCII);
        // The deleting node's DEL was lost; only its invalidation reached this node.
        store.delete(b.cid());
        tier.forget(b.cid());
        assertThatThrownBy(() -> tier.get(b.cid())).as("not served from Redis: the store answers")
                .isInstanceOf(io.cairn.blockstore.BlockNotFoundException.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> redis.command(redis.port(), "EXISTS", key).startsWith(":0"));
        tier.put(b); // put here again: served from Redis once repopulated
        assertThat(tier.get(b.cid()).bytes()).isEqualTo(b.bytes());
    }
}
