package io.cairn.server;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * {@code writers} threads putting blocks for a fixed time, each upload numbered: the status of every
 * upload, and what was neither 200 nor 503 (a transport failure ends the flood when {@code stopOnError}).
 */
final class TimedUploadFlood {
    record Result(Map<Integer, Integer> status, List<String> unexpected) {
        long acked() {
            return status.values().stream().filter(s -> s == 200).count();
        }

        long refused() {
            return status.values().stream().filter(s -> s == 503).count();
        }
    }

    private TimedUploadFlood() {
    }

    static Result run(URI api, int writers, Duration length, IntFunction<byte[]> payload, boolean stopOnError)
            throws Exception {
        Map<Integer, Integer> status = new ConcurrentHashMap<>();
        List<String> unexpected = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger next = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        long end = System.nanoTime() + length.toNanos();
        try (ExecutorService pool = Executors.newFixedThreadPool(writers)) {
            List<Future<?>> fs = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                fs.add(pool.submit(() -> {
                    while (System.nanoTime() < end && !stop.get()) {
                        int n = next.getAndIncrement();
                        try {
                            HttpResponse<byte[]> r = TestHttp.put(api, payload.apply(n), "");
                            status.put(n, r.statusCode());
                            if (r.statusCode() != 200 && r.statusCode() != 503) {
                                unexpected.add(n + ": " + r.statusCode() + " " + TestHttp.text(r));
                            }
                        } catch (Exception e) {
                            unexpected.add(n + ": " + e);
                            if (stopOnError) {
                                stop.set(true);
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get(3, TimeUnit.MINUTES);
            }
        }
        return new Result(status, unexpected);
    }
}
