package io.cairn.redis;

import io.cairn.blockstore.Block;
import io.cairn.cid.Cid;
import io.cairn.pin.ClusterSweep;
import io.cairn.pin.CollectionLease;
import io.cairn.pin.GcException;
import io.cairn.pin.SweepGuardUnavailableException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The cross-node sweep guard against a real Redis (Debian's redis-server): writers see no record and
 * pay one round trip when nothing collects; during a collection their entries reach the collector's
 * next poll, and a writer's wait ends exactly when the batch it raced is counted done; a collector
 * whose record expired or is unconfirmed stops; Redis down refuses the write instead of acknowledging it.
 */
class RedisClusterSweepTest {
    private static final Duration TTL = Duration.ofSeconds(2);
    private static RedisProcesses redis;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisProcesses.standalone();
    }

    @AfterAll
    static void stop() throws Exception {
        if (redis != null) {
            redis.close();
        }
    }

    private static Cid cid(String s) {
        return Block.raw(s.getBytes(StandardCharsets.UTF_8)).cid();
    }

    private static RedisCollectionLease lease(String prefix, java.util.function.LongSupplier clock) {
        return new RedisCollectionLease(RedisCollectionLease.LettuceCommands.connect(redis.endpoint(), Duration.ofSeconds(2)),
                prefix + "gc-lease", TTL, "node", clock);
    }

    @Test
    void entriesReachTheNextPollAndAWriterWaitsForTheBatchItRaced() throws Exception {
        try (RedisCollectionLease lease = lease("t1:", System::nanoTime)) {
            RedisClusterSweep sweep = lease.sweep("t1:");
            Cid a = cid("a");
            Cid b = cid("b");
            assertThat(sweep.record(List.of(a), List.of())).as("nothing collects").isEmpty();
            assertThat(redis.command(redis.port(), "EXISTS", sweep.sparedKey())).as("nothing recorded").contains(":0");

            CollectionLease.Held held = lease.tryAcquire().orElseThrow();
            ClusterSweep.Collecting collecting = sweep.begin(held);
            assertThat(collecting.poll()).isEqualTo(ClusterSweep.Recorded.NOTHING);
            Optional<ClusterSweep.Ticket> ticket = sweep.record(List.of(a), List.of(b));
            assertThat(ticket).isPresent();
            assertThat(ticket.get().batch()).isZero();
            ClusterSweep.Recorded seen = collecting.poll();
            assertThat(seen.written()).containsExactly(a);
            assertThat(seen.pinned()).containsExactly(b);
            assertThat(collecting.poll()).as("each entry once").isEqualTo(ClusterSweep.Recorded.NOTHING);

            assertThat(sweep.awaitBatchDone(ticket.get(), Duration.ofMillis(50))).as("batch 0 still running").isFalse();
            CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(
                    () -> sweep.awaitBatchDone(ticket.get(), Duration.ofSeconds(20)));
            Thread.sleep(100);
            assertThat(waiting).as("waits while batch 0 runs").isNotDone();
            collecting.batchDone();
            assertThat(waiting.get(10, TimeUnit.SECONDS)).isTrue();
            assertThat(sweep.record(List.of(a), List.of()).orElseThrow().batch()).isEqualTo(1);

            ClusterSweep.Ticket second = sweep.record(List.of(b), List.of()).orElseThrow();
            collecting.close();
            held.close();
            assertThat(sweep.awaitBatchDone(second, Duration.ofMillis(50))).as("the collection ended").isTrue();
            assertThat(sweep.record(List.of(a), List.of())).isEmpty();
            assertThat(redis.command(redis.port(), "EXISTS", sweep.recordKey(), sweep.sparedKey())).contains(":0");
        }
    }

    @Test
    void aCollectorWhoseRecordExpiredOrWentUnconfirmedStops() throws Exception {
        AtomicLong clock = new AtomicLong(System.nanoTime());
        try (RedisCollectionLease lease = lease("t2:", clock::get)) {
            RedisClusterSweep sweep = lease.sweep("t2:");
            CollectionLease.Held held = lease.tryAcquire().orElseThrow();
            ClusterSweep.Collecting collecting = sweep.begin(held);
            assertThat(collecting.confirmed()).isTrue();
            clock.addAndGet(TTL.toNanos() / 2); // no refresh confirmed for half a TTL by the collector's clock
            assertThat(collecting.confirmed()).as("writers may no longer see the record").isFalse();
            collecting.poll(); // a successful poll confirms it again
            assertThat(collecting.confirmed()).isTrue();

            redis.command(redis.port(), "DEL", sweep.recordKey()); // what an expiry leaves
            assertThat(sweep.record(List.of(cid("x")), List.of())).as("writers see no collection").isEmpty();
            assertThatThrownBy(collecting::poll).isInstanceOf(GcException.class).hasMessageContaining("nothing more is deleted");
            assertThatThrownBy(collecting::batchDone).isInstanceOf(GcException.class);
            collecting.close();
            held.close();
        }
    }

    @Test
    void withRedisDownAWriteIsRefusedNotAcknowledged() throws Exception {
        try (RedisProcesses own = RedisProcesses.standalone()) {
            try (RedisCollectionLease lease = new RedisCollectionLease(
                    RedisCollectionLease.LettuceCommands.connect(own.endpoint(), Duration.ofMillis(500)),
                    "t3:gc-lease", TTL, "node", System::nanoTime)) {
                RedisClusterSweep sweep = lease.sweep("t3:");
                assertThat(sweep.record(List.of(cid("y")), List.of())).isEmpty();
                own.kill(own.nodes().getFirst());
                assertThatThrownBy(() -> sweep.record(List.of(cid("y")), List.of()))
                        .isInstanceOf(SweepGuardUnavailableException.class)
                        .hasMessageContaining("not acknowledged");
            }
        }
    }
}
