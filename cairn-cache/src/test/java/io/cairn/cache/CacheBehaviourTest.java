package io.cairn.cache;

import io.cairn.memory.ManualMemoryGovernor;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CacheBehaviourTest {

    @Test
    void shrinkingTheMaximumEvictsBeforeReturning() {
        Recorder<Integer, Integer> rec = new Recorder<>();
        Cache<Integer, Integer> c = CacheBuilder.newBuilder().maintenanceExecutor(CacheBuilder.CALLING_THREAD).maximumWeight(100).removalListener(rec).build();
        for (int i = 0; i < 100; i++) {
            c.put(i, i);
        }
        c.policy().setMaximum(10);
        assertThat(c.estimatedSize()).isEqualTo(10);
        assertThat(c.weightedSize()).isEqualTo(10);
        assertThat(c.policy().maximum()).isEqualTo(10);
        assertThat(rec.keys(RemovalCause.SIZE)).hasSize(90);
        c.policy().setMaximum(50);
        for (int i = 100; i < 200; i++) {
            c.put(i, i);
        }
        assertThat(c.estimatedSize()).isEqualTo(50);
        assertThatThrownBy(() -> c.policy().setMaximum(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maximum weight must be >= 0, got -1");
    }

    @Test
    void weightsBoundTheCacheAndAnOversizedEntryIsNotKept() {
        Recorder<String, byte[]> rec = new Recorder<>();
        Cache<String, byte[]> c = CacheBuilder.newBuilder().maintenanceExecutor(CacheBuilder.CALLING_THREAD).maximumWeight(10_000)
                .weigher(Weigher.bytesWithOverhead((byte[] b) -> b.length))
                .evictionPolicy(EvictionPolicy.LRU).removalListener(rec).build();
        c.put("a", new byte[1000]);
        assertThat(c.weightedSize()).isEqualTo(1000 + Weigher.ENTRY_OVERHEAD_BYTES);
        for (int i = 0; i < 20; i++) {
            c.put("k" + i, new byte[1000]);
            assertThat(c.weightedSize()).isLessThanOrEqualTo(10_000);
        }
        c.put("huge", new byte[20_000]);
        assertThat(c.getIfPresent("huge")).isNull();
        assertThat(rec.keys(RemovalCause.SIZE)).contains("huge");
        assertThat(c.weightedSize()).isLessThanOrEqualTo(10_000);
    }

    @Test
    void replacingUpdatesTheWeightAndTellsTheListener() {
        Recorder<String, String> rec = new Recorder<>();
        Cache<String, String> c = CacheBuilder.newBuilder().maintenanceExecutor(CacheBuilder.CALLING_THREAD).maximumWeight(100)
                .weigher((String k, String v) -> v.length()).removalListener(rec).recordStats().build();
        c.put("a", "xx");
        c.put("a", "xxxxx");
        assertThat(c.weightedSize()).isEqualTo(5);
        assertThat(rec.events).containsExactly(new Recorder.Event<>("a", "xx", RemovalCause.REPLACED));
        c.invalidate("a");
        assertThat(rec.events).last().isEqualTo(new Recorder.Event<>("a", "xxxxx", RemovalCause.EXPLICIT));
        assertThat(c.weightedSize()).isZero();
        assertThat(c.stats().removals(RemovalCause.REPLACED)).isEqualTo(1);
        assertThat(c.stats().evictionCount()).isZero();
    }

    @Test
    void theRemovalListenerRunsOutsideTheLock() throws Exception {
        AtomicBoolean otherThreadWrote = new AtomicBoolean();
        java.util.concurrent.atomic.AtomicReference<Cache<Integer, Integer>> holder =
                new java.util.concurrent.atomic.AtomicReference<>();
        holder.set(CacheBuilder.newBuilder().maintenanceExecutor(CacheBuilder.CALLING_THREAD).maximumWeight(2)
                .removalListener((Integer k, Integer v, RemovalCause cause) -> {
                    if (k == 0) {
                        // Another thread can write while we are being notified: the lock is free.
                        Thread t = Thread.ofPlatform().start(() -> holder.get().put(100, 100));
                        try {
                            t.join(10_000);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        otherThreadWrote.set(!t.isAlive());
                    }
                })
                .evictionPolicy(EvictionPolicy.LRU).build());
        Cache<Integer, Integer> c = holder.get();
        c.put(0, 0);
        c.put(1, 1);
        c.put(2, 2);   // evicts 0
        assertThat(otherThreadWrote).isTrue();
    }

    @Test
    void aThrowingListenerDoesNotBreakTheOperation() {
        Cache<Integer, Integer> c = CacheBuilder.newBuilder().maintenanceExecutor(CacheBuilder.CALLING_THREAD).maximumWeight(1)
                .removalListener((Integer k, Integer v, RemovalCause cause) -> {
                    throw new IllegalStateException("listener bug");
                }).build();
        c.put(1, 1);
        c.put(2, 2);
        assertThat(c.getIfPresent(2)).isEqualTo(2);
        assertThat(c.estimatedSize()).isEqualTo(1);
    }

    @Test
    void invalidateAllEmptiesTheCache() {
        Recorder<Integer, Integer> rec = new Recorder<>();
        Cache<Integer, Integer> c = CacheBuilder.newBuilder().maintenanceExecutor(CacheBuilder.CALLING_THREAD).maximumWeight(100).removalListener(rec).build();
        for (int i = 0; i < 50; i++) {
            c.put(i, i);
        }
        c.invalidateAll();
        assertThat(c.estimatedSize()).isZero();
        assertThat(c.weightedSize()).isZero();
        assertThat(rec.keys(RemovalCause.EXPLICIT)).hasSize(50);
        for (int i = 0; i < 150; i++) {
            c.put(i, i); // the policy's structures are consistent after the flush
        }
        assertThat(c.estimatedSize()).isEqualTo(100);
    }

    @Test
    void statsCountEveryLookup() {
        Cache<Integer, Integer> c = CacheBuilder.newBuilder().maintenanceExecutor(CacheBuilder.CALLING_THREAD).maximumWeight(10).recordStats().build();
        c.put(1, 1);
        for (int i = 0; i < 1000; i++) {
            c.getIfPresent(1);   // many buffered reads on one thread: none may be lost
            c.getIfPresent(2);
        }
        CacheStats s = c.stats();
        assertThat(s.hitCount()).isEqualTo(1000);
        assertThat(s.missCount()).isEqualTo(1000);
        assertThat(s.hitRate()).isEqualTo(0.5);
        assertThat(s.requestCount()).isEqualTo(2000);
        CacheStats later = c.stats();
        assertThat(later.minus(s).requestCount()).isZero();
        Cache<Integer, Integer> quiet = CacheBuilder.newBuilder().maintenanceExecutor(CacheBuilder.CALLING_THREAD).maximumWeight(10).build();
        quiet.getIfPresent(1);
        assertThat(quiet.stats()).isEqualTo(CacheStats.empty());
    }

    @Test
    void nullsAreRejected() {
        Cache<String, String> c = CacheBuilder.newBuilder().maintenanceExecutor(CacheBuilder.CALLING_THREAD).maximumWeight(10).build();
        assertThatThrownBy(() -> c.put(null, "v")).isInstanceOf(NullPointerException.class).hasMessage("key");
        assertThatThrownBy(() -> c.put("k", null)).isInstanceOf(NullPointerException.class).hasMessage("value");
        assertThatThrownBy(() -> c.getIfPresent(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> c.get("k", null)).isInstanceOf(NullPointerException.class).hasMessage("loader");
    }

    @Test
    void aNegativeWeightIsRejectedNamingTheKey() {
        Cache<String, String> c = CacheBuilder.newBuilder().maintenanceExecutor(CacheBuilder.CALLING_THREAD).name("w").maximumWeight(10)
                .weigher((String k, String v) -> -5).build();
        assertThatThrownBy(() -> c.put("bad", "v")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cache 'w'").hasMessageContaining("negative weight (-5) for key bad");
        assertThat(c.estimatedSize()).isZero();
    }

    @Test
    void anUnboundedCacheNeverEvicts() {
        Cache<Integer, Integer> c = CacheBuilder.newBuilder().maintenanceExecutor(CacheBuilder.CALLING_THREAD).build();
        for (int i = 0; i < 10_000; i++) {
            c.put(i, i);
        }
        assertThat(c.estimatedSize()).isEqualTo(10_000);
        assertThat(c.policy().maximum()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void policiesAreChosenByName() {
        assertThat(EvictionPolicy.byName("lru")).isEqualTo(EvictionPolicy.LRU);
        assertThat(EvictionPolicy.byName("LFU")).isEqualTo(EvictionPolicy.LFU);
        assertThat(EvictionPolicy.byName(" Arc ")).isEqualTo(EvictionPolicy.ARC);
        assertThat(EvictionPolicy.byName("wtinylfu")).isEqualTo(EvictionPolicy.W_TINY_LFU);
        assertThat(EvictionPolicy.byName("W-TinyLFU")).isEqualTo(EvictionPolicy.W_TINY_LFU);
        assertThat(EvictionPolicy.byName("W_TINY_LFU")).isEqualTo(EvictionPolicy.W_TINY_LFU);
        assertThatThrownBy(() -> EvictionPolicy.byName("fifo")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown eviction policy 'fifo'; expected one of lru, lfu, arc, wtinylfu, sieve, s3fifo, adaptive");
        assertThatThrownBy(() -> EvictionPolicy.byName(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theBuilderNamesConflictingSettings() {
        assertThatThrownBy(() -> CacheBuilder.newBuilder().maintenanceExecutor(CacheBuilder.CALLING_THREAD).weigher((k, v) -> 1).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("weigher(...) requires maximumWeight(...)");
        assertThatThrownBy(() -> CacheBuilder.newBuilder().maintenanceExecutor(CacheBuilder.CALLING_THREAD).maximumWeight(10)
                .refreshAheadAt(0.8, k -> k).build())
                .hasMessageContaining("refreshAheadAt(0.8, ...) requires expireAfterWrite(...)");
        assertThatThrownBy(() -> CacheBuilder.newBuilder().maintenanceExecutor(CacheBuilder.CALLING_THREAD).maximumWeight(10)
                .writeBehindQueue(10).build())
                .hasMessageContaining("writeBehindQueue require writer(..., WritePolicy.WRITE_BEHIND) but no writer is set");
        assertThatThrownBy(() -> CacheBuilder.newBuilder().maintenanceExecutor(CacheBuilder.CALLING_THREAD).maximumWeight(10)
                .writer(new WriteBehindTest.RecordingStore(), WritePolicy.WRITE_THROUGH)
                .writeBehindBatch(5, Duration.ofSeconds(1)).build())
                .hasMessageContaining("but the write policy is WRITE_THROUGH");
        assertThatThrownBy(() -> CacheBuilder.newBuilder().maintenanceExecutor(CacheBuilder.CALLING_THREAD).maximumWeight(10)
                .writer(new WriteBehindTest.RecordingStore(), WritePolicy.WRITE_BEHIND)
                .writeBehindQueue(10).writeBehindBatch(50, Duration.ofSeconds(1)).build())
                .hasMessageContaining("writeBehindBatch size 50 exceeds writeBehindQueue capacity 10");
        assertThatThrownBy(() -> CacheBuilder.newBuilder().maintenanceExecutor(CacheBuilder.CALLING_THREAD)
                .governedBy(new ManualMemoryGovernor(1L << 30), GovernanceConfig.defaults()).build())
                .hasMessageContaining("governedBy(...) requires maximumWeight(...)");
        assertThatThrownBy(() -> CacheBuilder.newBuilder().maintenanceExecutor(CacheBuilder.CALLING_THREAD).evictionPolicy(EvictionPolicy.ARC).build())
                .hasMessageContaining("evictionPolicy(ARC) requires maximumWeight(...)");
        // Several problems are reported together.
        assertThatThrownBy(() -> CacheBuilder.newBuilder().maintenanceExecutor(CacheBuilder.CALLING_THREAD).name("n").weigher((k, v) -> 1)
                .evictionPolicy(EvictionPolicy.LFU).build())
                .hasMessageStartingWith("invalid cache configuration for 'n': ")
                .hasMessageContaining("weigher").hasMessageContaining("evictionPolicy(LFU)");
        assertThatThrownBy(() -> CacheBuilder.newBuilder().maintenanceExecutor(CacheBuilder.CALLING_THREAD).maximumWeight(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maximumWeight must be >= 0, got -1");
        assertThatThrownBy(() -> CacheBuilder.newBuilder().maintenanceExecutor(CacheBuilder.CALLING_THREAD).maximumWeight(1).maximumWeight(2))
                .isInstanceOf(IllegalStateException.class).hasMessage("maximumWeight was already set to 1");
        assertThatThrownBy(() -> CacheBuilder.newBuilder().maintenanceExecutor(CacheBuilder.CALLING_THREAD).expireAfterWrite(Duration.ZERO))
                .hasMessage("expireAfterWrite must be positive, got PT0S");
        assertThatThrownBy(() -> CacheBuilder.newBuilder().maintenanceExecutor(CacheBuilder.CALLING_THREAD).refreshAheadAt(1.0, k -> k))
                .hasMessage("refreshAheadAt fraction must be in (0, 1), got 1.0");
    }
}
