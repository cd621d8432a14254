package io.cairn.redis;

import io.cairn.cid.Cid;
import io.cairn.pin.ClusterSweep;
import io.cairn.pin.CollectionLease;
import io.cairn.pin.GcException;
import io.cairn.pin.SweepGuardUnavailableException;
import io.lettuce.core.ScriptOutputType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The {@link ClusterSweep} of nodes sharing one store and one Redis: two keys in one hash slot,
 * <pre>
 * &lt;prefix&gt;{gc-sweep}:record   hash {holder, batch}: exists while a collection runs, with an expiry
 * &lt;prefix&gt;{gc-sweep}:spared   list of "w:&lt;CID&gt;" (written) and "p:&lt;CID&gt;" (pinned root)
 * </pre>
 * A writer's {@link #record} is one script: when the record exists it appends to the list and returns
 * the holder and the batch count, else nil. The collector sets the record before it marks, refreshes
 * its expiry (one lease TTL) every quarter TTL and at each poll, reads the list from where it left off
 * before each batch, and increments the batch count after it. Every script of the collector first
 * checks that the record still names it, so a collector whose record expired stops.
 *
 * <p>{@link Collecting#confirmed()} holds while the last successful refresh started less than half a
 * TTL ago (by the injectable clock): the record then certainly still exists in Redis (it expires a
 * whole TTL after that refresh), so every writer's script sees it.
 */
public final class RedisClusterSweep implements ClusterSweep {
    private static final Logger LOG = LoggerFactory.getLogger(RedisClusterSweep.class);
    static final Duration POLL = Duration.ofMillis(10);

    /** KEYS record, spared; ARGV entries. Appends when the record exists; "holder batch" or nil. */
    static final String RECORD = "local h = redis.call('hmget', KEYS[1], 'holder', 'batch') "
            + "if not h[1] then return false end "
            + "for i = 1, #ARGV do redis.call('rpush', KEYS[2], ARGV[i]) end "
            + "local t = redis.call('pttl', KEYS[1]) "
            + "if t > 0 and #ARGV > 0 then redis.call('pexpire', KEYS[2], t) end "
            + "return h[1] .. ' ' .. h[2]";
    /** KEYS record. "holder batch" or nil. */
    static final String STATE = "local h = redis.call('hmget', KEYS[1], 'holder', 'batch') "
            + "if not h[1] then return false end return h[1] .. ' ' .. h[2]";
    /** KEYS record, spared; ARGV holder, ttl. Replaces whatever a dead holder left. */
    static final String BEGIN = "redis.call('del', KEYS[1], KEYS[2]) "
            + "redis.call('hset', KEYS[1], 'holder', ARGV[1], 'batch', '0') "
            + "redis.call('pexpire', KEYS[1], ARGV[2]) return 1";
    private static final String MINE = "if redis.call('hget', KEYS[1], 'holder') ~= ARGV[1] then "
            + "return redis.error_reply('CAIRN-LOST the sweep record is gone or belongs to another holder') end "
            + "redis.call('pexpire', KEYS[1], ARGV[2]) "
            + "if redis.call('exists', KEYS[2]) == 1 then redis.call('pexpire', KEYS[2], ARGV[2]) end ";
    /** KEYS record, spared; ARGV holder, ttl, from. Refreshes and returns the list from index {@code from}. */
    static final String POLL_LIST = MINE + "return redis.call('lrange', KEYS[2], ARGV[3], -1)";
    /** KEYS record, spared; ARGV holder, ttl. Refreshes. */
    static final String REFRESH = MINE + "return 1";
    /** KEYS record, spared; ARGV holder, ttl. Counts a finished batch. */
    static final String BATCH_DONE = MINE + "return redis.call('hincrby', KEYS[1], 'batch', 1)";
    /** KEYS record, spared; ARGV holder. Removes both when the record is still the holder's. */
    static final String END = "if redis.call('hget', KEYS[1], 'holder') == ARGV[1] then "
            + "redis.call('del', KEYS[1], KEYS[2]) end return 1";

    private final RedisCollectionLease.Commands redis;
    private final String[] keys;
    private final Duration ttl;
    private final LongSupplier nanoTime;
    private final ScheduledExecutorService timer;

    RedisClusterSweep(RedisCollectionLease.Commands redis, String keyPrefix, Duration ttl, LongSupplier nanoTime,
                      ScheduledExecutorService timer) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.keys = new String[] {keyPrefix + "{gc-sweep}:record", keyPrefix + "{gc-sweep}:spared"};
        this.ttl = Objects.requireNonNull(ttl, "ttl");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.timer = Objects.requireNonNull(timer, "timer");
    }

    /** The record's key (for tests and operators). */
    public String recordKey() {
        return keys[0];
    }

    /** The spared list's key. */
    public String sparedKey() {
        return keys[1];
    }

    @Override
    public Optional<Ticket> record(List<Cid> written, List<Cid> pinned) {
        String[] entries = new String[written.size() + pinned.size()];
        int i = 0;
        for (Cid c : written) {
            entries[i++] = "w:" + c;
        }
        for (Cid c : pinned) {
            entries[i++] = "p:" + c;
        }
        return ticket(eval(RECORD, keys, entries));
    }

    @Override
    public boolean awaitBatchDone(Ticket ticket, Duration max) {
        long deadline = nanoTime.getAsLong() + max.toNanos();
        while (true) {
            Optional<Ticket> now = ticket(eval(STATE, new String[] {keys[0]}));
            if (now.isEmpty() || !now.get().holder().equals(ticket.holder()) || now.get().batch() > ticket.batch()) {
                return true;
            }
            if (nanoTime.getAsLong() - deadline >= 0) {
                return false;
            }
            try {
                Thread.sleep(POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SweepGuardUnavailableException("interrupted while waiting for another node's delete batch",
                        Duration.ofSeconds(1), e);
            }
        }
    }

    private String eval(String script, String[] keys, String... args) {
        try {
            return redis.eval(script, ScriptOutputType.VALUE, keys, args);
        } catch (RuntimeException e) {
            throw new SweepGuardUnavailableException("cannot tell whether a garbage collection runs on another node"
                    + " sharing the store (Redis: " + e.getMessage() + "); the write reached the store but is not"
                    + " acknowledged, retry", Duration.ofSeconds(1), e);
        }
    }

    private static Optional<Ticket> ticket(String reply) {
        if (reply == null) {
            return Optional.empty();
        }
        int cut = reply.lastIndexOf(' ');
        return Optional.of(new Ticket(reply.substring(0, cut), Long.parseLong(reply.substring(cut + 1))));
    }

    @Override
    public Collecting begin(CollectionLease.Held lease) {
        String holder = RedisCollectionLease.processName() + "/" + UUID.randomUUID();
        long started = nanoTime.getAsLong();
        try {
            redis.eval(BEGIN, ScriptOutputType.INTEGER, keys, holder, Long.toString(ttl.toMillis()));
        } catch (RuntimeException e) {
            throw new GcException("garbage collection stopped before marking: the shared sweep record cannot be set"
                    + " in Redis (" + e.getMessage() + "); nothing was deleted", e);
        }
        return new Running(holder, started);
    }

    private final class Running implements Collecting {
        private final String holder;
        private final ScheduledFuture<?> refresher;
        private volatile long confirmedAt;
        private volatile boolean lost;
        private long offset;

        Running(String holder, long confirmedAt) {
            this.holder = holder;
            this.confirmedAt = confirmedAt;
            long every = Math.max(1, ttl.toMillis() / 4);
            this.refresher = timer.scheduleWithFixedDelay(this::refresh, every, every, TimeUnit.MILLISECONDS);
        }

        private String[] args(String... more) {
            String[] a = new String[2 + more.length];
            a[0] = holder;
            a[1] = Long.toString(ttl.toMillis());
            System.arraycopy(more, 0, a, 2, more.length);
            return a;
        }

        private void refresh() {
            if (lost) {
                return;
            }
            long started = nanoTime.getAsLong();
            try {
                redis.eval(REFRESH, ScriptOutputType.INTEGER, keys, args());
                confirmedAt = started;
            } catch (RuntimeException e) {
                if (String.valueOf(e.getMessage()).contains("CAIRN-LOST")) {
                    lost = true;
                }
                LOG.warn("refreshing the shared sweep record failed: {}", e.toString());
            }
        }

        @Override
        public Recorded poll() {
            long started = nanoTime.getAsLong();
            List<Object> entries;
            try {
                entries = redis.eval(POLL_LIST, ScriptOutputType.MULTI, keys, args(Long.toString(offset)));
            } catch (RuntimeException e) {
                lost = true;
                throw new GcException("garbage collection stopped: the shared sweep record cannot be read in Redis ("
                        + e.getMessage() + "), so what other nodes wrote is unknown; nothing more is deleted", e);
            }
            confirmedAt = started;
            offset += entries.size();
            List<Cid> written = new ArrayList<>();
            List<Cid> pinned = new ArrayList<>();
            for (Object o : entries) {
                String entry = String.valueOf(o);
                try {
                    (entry.startsWith("p:") ? pinned : written).add(Cid.parse(entry.substring(2)));
                } catch (RuntimeException e) {
                    LOG.warn("ignoring an unreadable sweep entry {}: {}", entry, e.toString());
                }
            }
            return new Recorded(written, pinned);
        }

        @Override
        public boolean confirmed() {
            return !lost && nanoTime.getAsLong() - confirmedAt < ttl.toNanos() / 2;
        }

        @Override
        public void batchDone() {
            try {
                redis.eval(BATCH_DONE, ScriptOutputType.INTEGER, keys, args());
            } catch (RuntimeException e) {
                lost = true;
                throw new GcException("garbage collection stopped: the shared sweep record cannot be updated in Redis ("
                        + e.getMessage() + "); nothing more is deleted", e);
            }
        }

        @Override
        public void close() {
            refresher.cancel(false);
            try {
                redis.eval(END, ScriptOutputType.INTEGER, keys, holder);
            } catch (RuntimeException e) {
                LOG.warn("removing the shared sweep record failed ({}); it expires within {}", e.toString(), ttl);
            }
        }
    }
}
