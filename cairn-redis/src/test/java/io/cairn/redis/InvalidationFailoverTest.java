package io.cairn.redis;

import io.cairn.blockstore.Block;
import io.cairn.cid.Cid;
import io.lettuce.core.cluster.SlotHash;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The invalidation bus on a Redis Cluster with replicas (three masters, one replica each): when the
 * master serving the channel's slot is killed and its replica promoted, both nodes' buses follow the
 * slot to the new master, and a message published on one reaches the other within a second.
 */
class InvalidationFailoverTest {
    private static final String CHANNEL = "cairn:test:invalidate";
    private static RedisProcesses cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = RedisProcesses.cluster(1);
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static Cid cid(int i) {
        return Block.raw(("block " + i).getBytes()).cid();
    }

    @Test
    void theSubscriptionFollowsAFailoverOfTheChannelsMaster() throws Exception {
        int slot = SlotHash.getSlot(CHANNEL);
        try (LettuceInvalidationBus a = LettuceInvalidationBus.connect(cluster.endpoint(), CHANNEL, Duration.ofSeconds(2));
             LettuceInvalidationBus b = LettuceInvalidationBus.connect(cluster.endpoint(), CHANNEL, Duration.ofSeconds(2))) {
            LinkedBlockingQueue<Cid> heard = new LinkedBlockingQueue<>();
            b.subscribe(heard::add);
            a.publish(cid(0));
            assertThat(heard.poll(5, TimeUnit.SECONDS)).as("before the failover").isEqualTo(cid(0));

            RedisProcesses.Node old = cluster.masterOf(slot);
            assertThat(b.subscribedTo()).contains("127.0.0.1:" + old.port());
            cluster.kill(old);
            RedisProcesses.Node promoted = cluster.awaitPromotion(slot, old, Duration.ofSeconds(60));
            long promotedAt = System.nanoTime();
            String expected = "127.0.0.1:" + promoted.port();
            while (!b.subscribedTo().equals(java.util.Optional.of(expected))
                    && System.nanoTime() - promotedAt < TimeUnit.SECONDS.toNanos(10)) {
                Thread.sleep(20);
            }
            System.out.printf("bus subscribed on the promoted master %.0f ms after the promotion was seen%n",
                    (System.nanoTime() - promotedAt) / 1e6);
            assertThat(b.subscribedTo()).as("B's subscription moved to the promoted master").contains(expected);

            for (int i = 1; i <= 5; i++) {
                long sent = System.nanoTime();
                a.publish(cid(i));
                Cid got = heard.poll(1, TimeUnit.SECONDS);
                assertThat(got).as("message %d after the failover, within 1 s", i).isEqualTo(cid(i));
                System.out.printf("message %d after the failover: %.1f ms%n", i, (System.nanoTime() - sent) / 1e6);
            }
        }
    }
}
