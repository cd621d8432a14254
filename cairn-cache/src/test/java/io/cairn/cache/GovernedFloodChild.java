package io.cairn.cache;

import io.cairn.memory.GovernorConfig;
import io.cairn.memory.JvmMemoryGovernor;
import io.cairn.memory.MemoryGovernor;

/**
 * Run in a child JVM with a small heap by {@link GovernedFloodTest}: floods a cache whose nominal
 * bound is far above the heap, with or without the real governor. Prints one result line and exits
 * 0; run with -XX:+ExitOnOutOfMemoryError, the JVM ends it with exit code 3 on OutOfMemoryError.
 */
final class GovernedFloodChild {
    public static void main(String[] args) throws Exception {
        boolean governed = args.length > 0 && args[0].equals("governed");
        long heap = Runtime.getRuntime().maxMemory();
        MemoryGovernor governor = governed
                ? JvmMemoryGovernor.start(GovernorConfig.builder().maxMemoryBytes(heap).build())
                : null;
        CacheBuilder<Integer, byte[]> builder = CacheBuilder.<Integer, byte[]>newBuilder()
                .name("flood")
                .maximumWeight(heap)
                .weigher(Weigher.<Integer, byte[]>bytesWithOverhead(b -> b.length))
                .evictionPolicy(EvictionPolicy.LRU)
                .recordStats();
        if (governed) {
            builder.governedBy(governor, GovernanceConfig.defaults());
            if (System.getProperty("flood.trace") != null) {
                governor.addListener((from, to, st) -> System.out.println("level " + from + " -> " + to
                        + " used=" + st.usedBytes() + " budget=" + st.budgetBytes()));
            }
        }
        Cache<Integer, byte[]> cache = builder.build();
        long maxWeight = 0;
        long minBound = Long.MAX_VALUE;
        for (int i = 0; i < 3_000; i++) {       // 3,000 x 64 KiB = 188 MiB through a 64 MiB heap
            cache.put(i, new byte[64 * 1024]);
            maxWeight = Math.max(maxWeight, cache.weightedSize());
            minBound = Math.min(minBound, cache.policy().effectiveMaximum());
            if (i % 2 == 0) {
                Thread.sleep(2);                // a writer, not a tight loop: the governor samples
            }
        }
        CacheStats s = cache.stats();
        System.out.println("RESULT minBound=" + minBound + " pressure=" + s.removals(RemovalCause.PRESSURE)
                + " maxWeight=" + maxWeight
                + " heap=" + heap + " entries=" + cache.estimatedSize());
        cache.close();
        if (governor != null) {
            governor.close();
        }
        System.exit(0);
    }
}
