package io.cairn.redis;

import io.cairn.pin.CollectionLease;
import io.cairn.pin.LeaseUnavailableException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The garbage-collection lease against a real Redis (Debian's redis-server): one holder at a time,
 * kept alive by renewal beyond its TTL, released only by its holder, expired by itself when its
 * holder is killed with SIGKILL, and no longer valid once renewals have failed for a TTL.
 */
class RedisCollectionLeaseTest {
    static final String KEY = "cairn:test:gc-lease";
    private static final Duration TTL = Duration.ofMillis(900);
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

    private static RedisCollectionLease lease(String node) {
        return RedisCollectionLease.connect(redis.endpoint(), KEY, TTL, node, Duration.ofSeconds(2));
    }

    @Test
    void oneHolderAtATimeKeptByRenewalAndReleasedByItsHolderOnly() throws Exception {
        try (RedisCollectionLease a = lease("node-a"); RedisCollectionLease b = lease("node-b")) {
            Optional<CollectionLease.Held> held = a.tryAcquire();
            assertThat(held).isPresent();
            assertThat(b.tryAcquire()).as("held by A").isEmpty();
            assertThat(b.holder()).contains("node-a");
            Thread.sleep(TTL.toMillis() * 3); // three TTLs: only renewal keeps the key
            assertThat(held.get().valid()).isTrue();
            assertThat(b.tryAcquire()).as("still held by A after three TTLs").isEmpty();
            long pttl = Long.parseLong(redis.command(redis.port(), "PTTL", KEY).trim().substring(1));
            assertThat(pttl).as("the key expires by itself").isPositive().isLessThanOrEqualTo(TTL.toMillis());

            // A token of someone else's is never released by the release script
            redis.command(redis.port(), "SET", KEY, "intruder/1");
            held.get().close();
            assertThat(redis.command(redis.port(), "GET", KEY)).contains("intruder/1");
            redis.command(redis.port(), "DEL", KEY);

            Optional<CollectionLease.Held> byB = b.tryAcquire();
            assertThat(byB).isPresent();
            byB.get().close();
            assertThat(redis.command(redis.port(), "EXISTS", KEY)).contains(":0");
        }
    }

    @Test
    void aHolderKilledWithSigkillLetsTheNextCollectionProceedAfterTheTtl() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(java, "-Xmx48m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), LeaseHolder.class.getName(), Integer.toString(redis.port()),
                Long.toString(TTL.toMillis())).redirectErrorStream(true).start();
        try (RedisCollectionLease b = lease("node-b")) {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String line;
            do {
                line = out.readLine();
            } while (line != null && !line.equals("HELD") && !line.equals("BUSY"));
            assertThat(line).as("the child took the lease").isEqualTo("HELD");
            Thread.sleep(TTL.toMillis() * 2);
            assertThat(b.tryAcquire()).as("the live child keeps renewing").isEmpty();
            assertThat(b.holder()).contains("child");

            child.destroyForcibly(); // SIGKILL: no release
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
            long killed = System.nanoTime();
            Optional<CollectionLease.Held> next = Optional.empty();
            while (next.isEmpty() && System.nanoTime() - killed < TimeUnit.SECONDS.toNanos(30)) {
                Thread.sleep(20);
                next = b.tryAcquire();
            }
            assertThat(next).as("the lease expired after its holder died").isPresent();
            System.out.printf("lease free %.0f ms after SIGKILL (TTL %d ms)%n", (System.nanoTime() - killed) / 1e6,
                    TTL.toMillis());
            next.get().close();
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void aLeaseWhoseRenewalsFailForATtlIsNoLongerValid() {
        AtomicLong now = new AtomicLong();
        FailingCommands commands = new FailingCommands();
        RedisCollectionLease lease = new RedisCollectionLease(commands, KEY, Duration.ofSeconds(30), "n", now::get);
        CollectionLease.Held held = lease.tryAcquire().orElseThrow();
        assertThat(held.valid()).isTrue();
        now.addAndGet(Duration.ofSeconds(29).toNanos());
        assertThat(held.valid()).as("within the TTL of the last renewal").isTrue();
        now.addAndGet(Duration.ofSeconds(2).toNanos());
        assertThat(held.valid()).as("no renewal for a whole TTL").isFalse();
        commands.down = true;
        assertThatThrownBy(lease::tryAcquire).isInstanceOf(LeaseUnavailableException.class)
                .hasMessageContaining("no collection is started");
        held.close(); // never throws, even with Redis down
        lease.close();
    }

    /** Grants the first SET and then fails every call once told Redis is down. */
    private static final class FailingCommands implements RedisCollectionLease.Commands {
        @Override
        public <T> T eval(String script, io.lettuce.core.ScriptOutputType type, String[] keys, String... args) {
            throw new io.lettuce.core.RedisConnectionException("down");
        }

        volatile boolean down;

        @Override
        public String setIfAbsent(String key, String value, long ttlMillis) {
            if (down) {
                throw new IllegalStateException("connection refused");
            }
            return "OK";
        }

        @Override
        public String get(String key) {
            throw new IllegalStateException("connection refused");
        }

        @Override
        public long script(String script, String key, String... args) {
            throw new IllegalStateException("connection refused");
        }

        @Override
        public void close() {
        }
    }
}
