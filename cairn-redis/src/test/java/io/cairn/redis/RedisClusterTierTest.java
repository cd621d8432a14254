package io.cairn.redis;

import io.cairn.blockstore.Block;
import io.cairn.blockstore.MemoryBlockstore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The tier against a real three-master Redis Cluster (Debian's redis-server, joined with
 * redis-cli --cluster create): blocks spread over the masters, and losing a master costs hits, not
 * reads.
 */
class RedisClusterTierTest {
    private static RedisProcesses cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = RedisProcesses.cluster();
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void blocksSpreadOverTheMastersAndSurviveLosingOne() throws Exception {
        RedisTierOptions options = RedisTierOptions.defaults().withCommandTimeout(Duration.ofSeconds(1))
                .withBreakerOpenFor(Duration.ofMillis(500));
        CountingStore store = new CountingStore(new MemoryBlockstore());
        try (RedisBlockTier tier = RedisBlockTier.over(store,
                LettuceL2Store.connect(cluster.endpoint(), options.commandTimeout()), options, null, null)) {
            List<Block> blocks = new ArrayList<>();
            Random r = new Random(42);
            for (int i = 0; i < 60; i++) {
                byte[] b = new byte[8 * 1024 + i];
                r.nextBytes(b);
                Block block = Block.raw(b);
                store.put(block);
                blocks.add(block);
            }
            for (Block b : blocks) {
                tier.get(b.cid());
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> tier.metrics().count("set", "ok")
                    + tier.metrics().count("set", "timeout") + tier.metrics().count("set", "error") >= blocks.size());
            assertThat(tier.metrics().count("set", "ok")).as("populations that succeeded").isEqualTo(blocks.size());
            for (Block b : blocks) {
                assertThat(tier.get(b.cid()).bytes()).isEqualTo(b.bytes());
            }
            assertThat(tier.metrics().count("get", "hit")).isEqualTo(blocks.size());
            assertThat(store.gets).hasValue(blocks.size());
            int nodesHolding = 0;
            for (RedisProcesses.Node n : cluster.nodes()) {
                if (!cluster.command(n.port(), "DBSIZE").contains(":0")) {
                    nodesHolding++;
                }
            }
            assertThat(nodesHolding).as("masters holding blocks").isEqualTo(3);

            // One master killed: every read is still answered with the right bytes, failures are counted.
            cluster.kill(cluster.nodes().get(1));
            for (Block b : blocks) {
                assertThat(tier.get(b.cid()).bytes()).isEqualTo(b.bytes());
            }
            long failures = tier.metrics().count("get", "error") + tier.metrics().count("get", "timeout")
                    + tier.metrics().count("get", "rejected");
            assertThat(failures).as("Redis reads that failed or were not tried").isPositive();
            assertThat(store.gets.get()).as("reads that fell through to the store").isGreaterThan(blocks.size());
        }
    }
}
