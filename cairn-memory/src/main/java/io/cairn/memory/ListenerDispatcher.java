package io.cairn.memory;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers level changes to listeners in order on one notification thread, and keeps a slow
 * listener from holding up the others.
 *
 * <p>The choice: every change goes to every listener, in registration order, one call at a time
 * on the notification thread. A watchdog on the monitor thread checks each call when it has run
 * for the listener timeout; if it is still running, that thread is handed over to the slow
 * listener and a fresh notification thread carries on with the next listener. Until the slow call
 * returns, further changes for that listener queue up behind it, and the thread it kept delivers
 * them, in order, before retiring. So each listener sees every change, in order and never two at
 * once; the others are delayed by at most one timeout per slow episode; and the monitor never
 * waits on a listener. A listener that throws is logged and skipped for that change only.
 *
 * <p>Preempting a Java thread is impossible, so a listener that never returns keeps its thread
 * forever; that is the one cost of this design, and the log says which listener it was.
 */
final class ListenerDispatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ListenerDispatcher.class);
    /** A stuck listener's backlog is collapsed into one change past this size; memory stays bounded. */
    static final int MAX_BACKLOG = 64;

    record Change(PressureLevel previous, PressureLevel current, MemoryStats stats) {
    }

    private final ThreadFactory threads;
    private final ScheduledExecutorService watchdog;
    private final long timeoutNanos;
    private final List<Slot> slots = new CopyOnWriteArrayList<>();
    private final LinkedBlockingQueue<Change> queue = new LinkedBlockingQueue<>();
    private final Object lock = new Object();

    // Guarded by lock.
    private Worker current;
    private boolean closed;

    ListenerDispatcher(ThreadFactory threads, ScheduledExecutorService watchdog, long timeoutNanos) {
        this.threads = threads;
        this.watchdog = watchdog;
        this.timeoutNanos = timeoutNanos;
        synchronized (lock) {
            current = new Worker(null, null, 0);
            threads.newThread(current).start();
        }
    }

    MemoryGovernor.Registration add(PressureListener listener) {
        Slot slot = new Slot(listener);
        slots.add(slot);
        return () -> {
            slot.removed = true;
            slots.remove(slot);
        };
    }

    void publish(PressureLevel previous, PressureLevel current, MemoryStats stats) {
        queue.add(new Change(previous, current, stats));
    }

    int listenerCount() {
        return slots.size();
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            if (current != null && current.thread != null) {
                current.thread.interrupt();
            }
            queue.clear();
        }
    }

    /** A listener and what it has not yet been told while a slow call of its own was running. */
    private static final class Slot {
        final PressureListener listener;
        final ArrayDeque<Change> backlog = new ArrayDeque<>();
        volatile boolean removed;
        boolean stuck; // guarded by the dispatcher's lock

        Slot(PressureListener listener) {
            this.listener = listener;
        }
    }

    /** The notification thread's loop; resumes mid-change when it takes over from a stuck one. */
    private final class Worker implements Runnable {
        private final Change resumeChange;
        private final Object[] resumeSlots;
        private final int resumeIndex;
        volatile Thread thread;
        // Guarded by lock: the call in progress and whether this worker was handed to its listener.
        Slot calling;
        long callSeq;
        boolean retired;

        Worker(Change resumeChange, Object[] resumeSlots, int resumeIndex) {
            this.resumeChange = resumeChange;
            this.resumeSlots = resumeSlots;
            this.resumeIndex = resumeIndex;
        }

        @Override
        public void run() {
            thread = Thread.currentThread();
            try {
                if (resumeChange != null) {
                    if (!deliverFrom(resumeChange, resumeSlots, resumeIndex)) {
                        return;
                    }
                }
                while (true) {
                    synchronized (lock) {
                        if (closed) {
                            return;
                        }
                    }
                    Change change = queue.take();
                    if (!deliverFrom(change, slots.toArray(), 0)) {
                        return;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Returns false when this thread was handed over to a stuck listener and must stop. */
        private boolean deliverFrom(Change change, Object[] snapshot, int from) {
            for (int i = from; i < snapshot.length; i++) {
                Slot slot = (Slot) snapshot[i];
                if (slot.removed) {
                    continue;
                }
                long seq;
                synchronized (lock) {
                    if (closed) {
                        return false;
                    }
                    if (slot.stuck) {
                        enqueueBacklog(slot, change);
                        continue;
                    }
                    calling = slot;
                    seq = ++callSeq;
                }
                scheduleWatchdog(change, snapshot, i, seq);
                invoke(slot, change);
                boolean handedOver;
                synchronized (lock) {
                    calling = null;
                    handedOver = retired;
                }
                if (handedOver) {
                    // This thread now belongs to the slow listener: tell it what it missed, then stop.
                    drainBacklog(slot);
                    return false;
                }
            }
            return true;
        }

        private void scheduleWatchdog(Change change, Object[] snapshot, int index, long seq) {
            try {
                watchdog.schedule(() -> checkOverdue(this, change, snapshot, index, seq), timeoutNanos, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                // The governor is closing; nobody is left to be held up.
            }
        }
    }

    private void checkOverdue(Worker worker, Change change, Object[] snapshot, int index, long seq) {
        synchronized (lock) {
            if (closed || worker.retired || worker.calling == null || worker.callSeq != seq) {
                return;
            }
            Slot slot = worker.calling;
            slot.stuck = true;
            worker.retired = true;
            Worker next = new Worker(change, snapshot, index + 1);
            current = next;
            threads.newThread(next).start();
            LOG.warn("pressure listener {} has run for over {} ms; other listeners continue without it",
                    slot.listener, TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
        }
    }

    // Called with lock held.
    private void enqueueBacklog(Slot slot, Change change) {
        if (slot.backlog.size() >= MAX_BACKLOG) {
            // Keep the listener's view consistent: one change from where it was to where it is now.
            Change first = slot.backlog.peekFirst();
            slot.backlog.clear();
            slot.backlog.add(new Change(first.previous(), change.current(), change.stats()));
        } else {
            slot.backlog.add(change);
        }
    }

    /** Runs on the thread a slow listener kept; the lock is taken per step, never across a call. */
    private void drainBacklog(Slot slot) {
        while (true) {
            Change next;
            synchronized (lock) {
                next = slot.backlog.pollFirst();
                if (next == null || closed || slot.removed) {
                    slot.backlog.clear();
                    slot.stuck = false;
                    return;
                }
            }
            invoke(slot, next);
        }
    }

    private static void invoke(Slot slot, Change change) {
        try {
            slot.listener.onPressureChange(change.previous(), change.current(), change.stats());
        } catch (Throwable t) {
            LOG.warn("pressure listener {} threw on {} -> {}", slot.listener, change.previous(), change.current(), t);
        }
    }
}
