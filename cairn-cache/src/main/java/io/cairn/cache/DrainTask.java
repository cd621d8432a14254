package io.cairn.cache;

import java.util.concurrent.ForkJoinTask;

/**
 * The one task a cache hands its maintenance executor, reused for every drain. A
 * {@link java.util.concurrent.ForkJoinPool} runs a {@link ForkJoinTask} as it is, where a plain
 * {@link Runnable} would be wrapped in a new adapter per submission: with this class, scheduling a
 * drain from the hit path allocates nothing. {@link #exec} reports the task as never completed, so
 * that the same instance may be submitted again (it is never joined).
 */
final class DrainTask extends ForkJoinTask<Void> implements Runnable {
    private static final long serialVersionUID = 1L;
    private final transient Runnable drain;

    DrainTask(Runnable drain) {
        this.drain = drain;
    }

    @Override
    public void run() {
        drain.run();
    }

    @Override
    protected boolean exec() {
        drain.run();
        return false; // not done: the instance stays submittable
    }

    @Override
    public Void getRawResult() {
        return null;
    }

    @Override
    protected void setRawResult(Void value) {
    }
}
