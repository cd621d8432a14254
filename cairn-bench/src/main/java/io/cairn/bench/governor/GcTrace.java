package io.cairn.bench.governor;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.GcInfo;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.management.ListenerNotFoundException;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The collections around one crossing, for {@code cairn bench governor --trace}: which collection first
 * saw the retained bytes, how long after the crossing it ended, and what confirmed the rise. Records
 * each GC notification's arrival on the probe's clock, its collector, action and cause, its duration
 * and the heap (and old generation) after it; prints them relative to the crossing.
 */
final class GcTrace implements AutoCloseable {
    private record Event(long arrivalNanos, String collector, String action, String cause, long durationMillis,
                         long heapAfter, long oldAfter) {
    }

    private final List<Event> events = new ArrayList<>();
    private final List<Runnable> removals = new ArrayList<>();
    private long addStart;
    private long crossed;
    private long doneAdding;
    private long notified;

    private GcTrace() {
    }

    static GcTrace start() {
        GcTrace t = new GcTrace();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                NotificationListener l = (n, hb) -> t.record(n.getUserData());
                emitter.addNotificationListener(l, null, null);
                t.removals.add(() -> {
                    try {
                        emitter.removeNotificationListener(l);
                    } catch (ListenerNotFoundException e) {
                        // already gone
                    }
                });
            }
        }
        return t;
    }

    private void record(Object userData) {
        long now = System.nanoTime();
        GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) userData);
        GcInfo gi = info.getGcInfo();
        long heap = 0;
        long old = 0;
        for (Map.Entry<String, MemoryUsage> e : gi.getMemoryUsageAfterGc().entrySet()) {
            String pool = e.getKey();
            if (pool.contains("Eden") || pool.contains("Survivor") || pool.contains("Old") || pool.contains("Young")
                    || pool.contains("Tenured")) {
                heap += e.getValue().getUsed();
                if (pool.contains("Old") || pool.contains("Tenured")) {
                    old += e.getValue().getUsed();
                }
            }
        }
        synchronized (this) {
            events.add(new Event(now, info.getGcName(), info.getGcAction(), info.getGcCause(), gi.getDuration(), heap, old));
        }
    }

    /** The trial's moments on the probe's clock; {@code notifiedAt} 0 if the listener was not called. */
    synchronized void marks(long addStartNanos, long crossedNanos, long doneNanos, long notifiedAt) {
        this.addStart = addStartNanos;
        this.crossed = crossedNanos;
        this.doneAdding = doneNanos;
        this.notified = notifiedAt;
    }

    /**
     * Prints the trial's collections and one {@code RESULT trace} line: when the first collection whose
     * heap-after figure reached {@code thresholdBytes} ended ({@code seen_ms}, relative to the crossing;
     * NaN if none did before the listener was called) and whether a major collection ended between that
     * and the listener call ({@code major_first}: the rise waited for a confirming full collection).
     */
    synchronized void print(String mode, int trial, long thresholdBytes) {
        if (crossed == 0) {
            return;
        }
        long end = notified == 0 ? Long.MAX_VALUE : notified;
        double seen = Double.NaN;
        boolean majorFirst = false;
        for (Event e : events) {
            if (e.arrivalNanos() < crossed || e.arrivalNanos() > end) {
                continue;
            }
            if (Double.isNaN(seen) && e.heapAfter() >= thresholdBytes) {
                seen = ms(e.arrivalNanos());
            }
            if (e.action().contains("major")) {
                majorFirst = true;
            }
        }
        System.out.printf(Locale.ROOT, "RESULT trace mode=%s trial=%d seen_ms=%.3f major_first=%b%n", mode, trial, seen,
                majorFirst);
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "trace %s/%d: adding %+.1f to %+.1f ms, crossed at 0, notified %s;",
                mode, trial, ms(addStart), ms(doneAdding), notified == 0 ? "never" : String.format(Locale.ROOT, "%+.1f ms", ms(notified))));
        for (Event e : events) {
            if (e.arrivalNanos() < addStart - 2_000_000_000L) {
                continue;
            }
            sb.append(String.format(Locale.ROOT, " [%+.1f ms %s '%s' (%s) %d ms, heap %d MB, old %d MB]", ms(e.arrivalNanos()),
                    e.collector(), e.action(), e.cause(), e.durationMillis(), e.heapAfter() >> 20, e.oldAfter() >> 20));
        }
        System.out.println(sb);
    }

    private double ms(long nanos) {
        return (nanos - crossed) / 1e6;
    }

    @Override
    public void close() {
        removals.forEach(Runnable::run);
    }
}
