package io.cairn.cache;

/**
 * Prints the heap an entry costs beyond its key and value, for one policy per JVM run:
 * {@code java -XX:+UseSerialGC -cp ... io.cairn.cache.EntryCostReport wtinylfu}. See docs/CACHE.md.
 */
final class EntryCostReport {
    public static void main(String[] args) {
        int n = 1_000_000;
        String value = "v";
        Integer[] keys = new Integer[n];
        for (int i = 0; i < n; i++) {
            keys[i] = i + 1_000_000;
        }
        String policy = args.length > 0 ? args[0] : "wtinylfu";
        long before = usedAfterGc();
        Cache<Integer, String> c = CacheBuilder.newBuilder().maximumWeight(n)
                .evictionPolicy(EvictionPolicy.byName(policy)).build();
        for (int i = 0; i < n; i++) {
            c.put(keys[i], value);
        }
        long after = usedAfterGc();
        System.out.printf("%s: %.1f bytes per entry beyond key and value (%d entries)%n",
                policy, (after - before) / (double) n, c.estimatedSize());
    }

    private static long usedAfterGc() {
        Runtime r = Runtime.getRuntime();
        for (int i = 0; i < 5; i++) {
            System.gc();
        }
        return r.totalMemory() - r.freeMemory();
    }
}
