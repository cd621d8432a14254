package io.cairn.cache;

/** Prints a hit-ratio table for a quick look: java ... io.cairn.cache.TraceReport (test classpath). */
final class TraceReport {
    public static void main(String[] args) {
        String[][] rows = {
            {"lirs_sprite", "100", "500", "1000"}, {"lirs_multi2", "500", "1000", "2000"},
            {"lirs_loop", "256", "512", "1000"}, {"lirs_2_pools", "500", "1000", "2000"},
            {"lirs_ps", "200", "400", "800"}, {"lirs_cs", "100", "300", "500"}};
        for (String[] row : rows) {
            int[] trace = Traces.lirs(row[0]);
            StringBuilder sb = new StringBuilder(String.format("%-14s", row[0]));
            for (EvictionPolicy p : EvictionPolicy.values()) {
                sb.append(String.format(" %s:", p.shortName()));
                for (int i = 1; i < row.length; i++) {
                    sb.append(String.format(" %5.1f", Traces.replay(trace, p, Long.parseLong(row[i]))));
                }
            }
            System.out.println(sb);
        }
    }
}
