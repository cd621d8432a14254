package io.cairn.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real memory pressure, in child JVMs with small heaps, under G1 and generational ZGC (the default
 * ZGC mode on Java 25, with pools "ZGC Young Generation" / "ZGC Old Generation" instead of G1's
 * "G1 Eden Space" / "G1 Old Gen").
 */
class GovernorPressureTest {

    private static List<String> gcFlags(String gc) {
        return List.of("-XX:+Use" + gc);
    }

    /**
     * The child grows its live set into each band in turn, then shrinks it to points inside each
     * hysteresis band (below a level's threshold but above its exit line) and finally to almost
     * nothing. Bands are 15 points wide with a 10-point margin: ZGC's estimate runs a few points
     * above the true live set (page granularity and allocation during concurrent cycles), so ZGC
     * gets a 256 MB heap to keep that within a band.
     */
    @ParameterizedTest
    @ValueSource(strings = {"G1GC", "ZGC"})
    void liveSetStepsWalkTheLevelsUpAndBackDownWithHysteresis(String gc) throws Exception {
        List<String> args = new ArrayList<>(gcFlags(gc));
        args.add(gc.equals("ZGC") ? "-Xmx256m" : "-Xmx128m");
        ChildJvm.Result r = ChildJvm.run(args, "steps", 120);
        assertThat(r.exitCode()).as(r.toString()).isZero();

        List<String> changes = r.linesStarting("CHANGE").stream()
                .map(l -> l.split(" ")[1] + "->" + l.split(" ")[2]).toList();
        assertThat(changes).as(r.toString()).containsExactly(
                "NONE->LOW", "LOW->MEDIUM", "MEDIUM->HIGH", "HIGH->CRITICAL",
                "CRITICAL->HIGH", "HIGH->MEDIUM", "MEDIUM->LOW", "LOW->NONE");

        // Each hold point sits below the threshold of the level still held: only hysteresis keeps it.
        assertHeld(r, "down0", PressureLevel.CRITICAL, 0.75);
        assertHeld(r, "down1", PressureLevel.HIGH, 0.60);
        assertHeld(r, "down2", PressureLevel.MEDIUM, 0.45);
        assertHeld(r, "down3", PressureLevel.LOW, 0.30);
        assertThat(step(r, "down4")[3]).isEqualTo("NONE");
    }

    private static String[] step(ChildJvm.Result r, String name) {
        return r.linesStarting("STEP").stream().map(l -> l.split(" "))
                .filter(p -> p[1].equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no step " + name + " in\n" + r));
    }

    private static void assertHeld(ChildJvm.Result r, String name, PressureLevel level, double threshold) {
        String[] p = step(r, name);
        assertThat(p[3]).as("level at %s\n%s", name, r).isEqualTo(level.name());
        assertThat(Double.parseDouble(p[4])).as("ratio at %s must be below the %s threshold\n%s", name, level, r)
                .isLessThan(threshold);
    }

    @ParameterizedTest
    @ValueSource(strings = {"G1GC", "ZGC"})
    void garbageChurnWithASmallLiveSetStaysAtNoneOrLow(String gc) throws Exception {
        List<String> args = new ArrayList<>(gcFlags(gc));
        args.add("-Xmx96m");
        ChildJvm.Result r = ChildJvm.run(args, "churn", 60);
        assertThat(r.exitCode()).as(r.toString()).isZero();

        long heapMax = 96L << 20;
        // The churn was real: many times the heap allocated, many collections.
        assertThat(Long.parseLong(r.result("allocated"))).as(r.toString()).isGreaterThan(20 * heapMax);
        assertThat(Long.parseLong(r.result("gcCycles"))).as(r.toString()).isGreaterThan(20);
        assertThat(PressureLevel.valueOf(r.result("maxLevel"))).as(r.toString())
                .isIn(PressureLevel.NONE, PressureLevel.LOW);
        assertThat(r.linesStarting("CHANGE")).as(r.toString())
                .allSatisfy(l -> assertThat(l.split(" ")[2]).isIn("NONE", "LOW"));
    }

    /**
     * A writer that reserves before each allocation and keeps what it allocates fills the heap
     * until reservations are refused; it must never see OutOfMemoryError. Under ZGC CRITICAL is
     * set at 80 %: a concurrent collector needs free pages to relocate into while the writer keeps
     * allocating (at the default 95 % one run in two ended in OutOfMemoryError on a 96 MB heap;
     * see docs/MEMORY_MANAGEMENT.md).
     */
    @ParameterizedTest
    @ValueSource(strings = {"G1GC", "ZGC"})
    void allocationBurstGuardedByReservationsNeverRunsOutOfMemory(String gc) throws Exception {
        List<String> args = new ArrayList<>(gcFlags(gc));
        args.add("-Xmx96m");
        args.add("-Dchild.chunk=4096");
        if (gc.equals("ZGC")) {
            args.add("-Dchild.thresholds=0.50,0.60,0.70,0.80");
        }
        ChildJvm.Result r = ChildJvm.run(args, "burst", 120);
        assertThat(r.linesStarting("RESULT")).as(r.toString()).noneMatch(l -> l.startsWith("RESULT oom"));
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(Long.parseLong(r.result("refused"))).as(r.toString()).isPositive();
        assertThat(Long.parseLong(r.result("granted"))).as(r.toString()).isGreaterThan(1000);
        // The writer really pushed: it held more than half the heap at its peak.
        assertThat(Long.parseLong(r.result("maxKept").split(" ")[0])).as(r.toString()).isGreaterThan(48L << 20);
        String[] sample = r.result("sample").split(" ");
        assertThat(Long.parseLong(sample[0])).isEqualTo(16384);
        assertThat(Long.parseLong(sample[2])).as("budget of a heap refusal is the heap max").isEqualTo(96L << 20);
    }

    /**
     * With the sampler at 60 s, a live set that grows in G1's old generation (2 MB arrays are
     * humongous, so no young collection reports them) must still be reported: crossing LOW fires
     * the old pool's usage threshold, which the governor sets at the LOW share of the pool. The
     * child goes on to MEDIUM, where the governor has moved the threshold after evaluating LOW;
     * that second notification arrived in most but not all runs during development, so it is
     * printed, not asserted, as is the latency (see docs/MEMORY_MANAGEMENT.md).
     */
    /**
     * A burst from a full collection's reading across MEDIUM is acted on at the young collection that
     * sees it. Before BaselineBurst every such rise waited for a confirming full collection (issue 10:
     * crossing-to-listener P95 24-34 ms on a quiet machine, the full collection being most of it), so
     * majorsBetween was 1.
     */
    @Test
    void aBurstFromAnExactReadingIsHeardWithoutAConfirmingFullCollection() throws Exception {
        ChildJvm.Result r = ChildJvm.run(List.of("-XX:+UseG1GC", "-Xmx256m", "-Xms256m"), "youngburst", 60);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.result("startLevel")).as(r.toString()).isIn("NONE", "LOW");
        assertThat(r.result("heard")).as(r.toString()).isEqualTo("true");
        assertThat(r.result("majorsBetween")).as(r.toString()).isEqualTo("0");
    }

    @Test
    void oldGenerationGrowthIsReportedWithoutTheSampler() throws Exception {
        ChildJvm.Result r = ChildJvm.run(List.of("-XX:+UseG1GC", "-Xmx256m"), "events", 60);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.result("heardLow")).as(r.toString()).isEqualTo("true");
        assertThat(r.linesStarting("CHANGE")).as(r.toString()).first().asString().startsWith("CHANGE NONE LOW");
        r.lines().stream().filter(l -> l.startsWith("RESULT heard ") || l.startsWith("RESULT latencyMs"))
                .forEach(System.out::println);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void requestGcIsIneffectiveOnlyWhenExplicitGcIsDisabled(boolean disabled) throws Exception {
        List<String> args = new ArrayList<>(List.of("-Xmx64m"));
        if (disabled) {
            args.add("-XX:+DisableExplicitGC");
        }
        ChildJvm.Result r = ChildJvm.run(args, "gcflag", 60);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        if (disabled) {
            assertThat(r.result("effective")).isEqualTo("false");
            assertThat(r.result("first")).isEqualTo("INEFFECTIVE");
            assertThat(r.result("started")).isEqualTo("0");
        } else {
            assertThat(r.result("effective")).isEqualTo("true");
            assertThat(r.result("first")).isEqualTo("STARTED");
            assertThat(r.result("second")).isIn("IN_FLIGHT", "RATE_LIMITED");
            assertThat(r.result("started")).isEqualTo("1");
        }
    }
}
