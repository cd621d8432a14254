package io.cairn.cache;

/**
 * The counters the write path and the maintenance change all the time (logged writes, the weight),
 * kept apart from the fields every lookup reads ({@link LocalCache}'s table, buffers, settings):
 * on a line of their own, padded on both sides, so that a write on one core does not evict from the
 * other core's cache the line its next hit needs (false sharing). The JVM lays a superclass's
 * fields out before a subclass's, hence the three classes.
 */
final class UpkeepCounters extends UpkeepFields {
    @SuppressWarnings("unused")
    long q01, q02, q03, q04, q05, q06, q07, q08;
}

abstract class UpkeepFields extends UpkeepPad {
    /** Tasks in the write log; written under the table lock, read anywhere. */
    volatile int pendingWrites;
    /** The logged inserts weigh more than a sixteenth of the bound. Written under the table lock. */
    volatile boolean overweightLog;
    /** The weight the policy holds; written under the eviction lock. */
    volatile long weightedSize;
}

@SuppressWarnings("unused")
abstract class UpkeepPad {
    long p01, p02, p03, p04, p05, p06, p07, p08;
}
