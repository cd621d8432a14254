package io.cairn.server.http;

import io.cairn.memory.HeapFootprint;
import io.cairn.memory.MemoryGovernor;
import io.cairn.memory.MemoryGovernor.Reservation;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads one upload into memory, reserving every array through the governor <em>before</em> it is
 * allocated, so a flood of uploads is refused (MemoryPressureException, answered 503) before the heap
 * fills rather than after. The reservations are held until {@link #close()}, i.e. until the block
 * has been stored and the bytes may be dropped.
 *
 * <p>Growth doubles from 64 KiB (or the size hint), and the old array stays reserved until close:
 * the accounting errs on the safe side (at most about three times the final size) instead of
 * releasing bytes the garbage collector has not yet reclaimed.
 */
final class ReservedBuffer implements AutoCloseable {
    private static final int INITIAL = 64 * 1024;

    private final MemoryGovernor governor;
    private final List<Reservation> reservations = new ArrayList<>();

    ReservedBuffer(MemoryGovernor governor) {
        this.governor = governor;
    }

    /**
     * Reserves what a {@code byte[]} of {@code length} will really occupy (see {@link HeapFootprint}:
     * a large array under G1 takes whole regions), released at close.
     */
    void reserve(long length) {
        reservations.add(governor.tryReserve(HeapFootprint.ofByteArray(length)));
    }

    /**
     * Reads {@code in} to its end. Returns null if it holds more than {@code limit} bytes (the caller
     * decides what error that is); reads at most {@code limit + 1} bytes either way.
     */
    byte[] readAll(InputStream in, int limit, long sizeHint) throws IOException {
        int cap = (int) Math.min((long) limit + 1, sizeHint > 0 ? sizeHint + 1 : INITIAL);
        cap = Math.max(cap, 1);
        reserve(cap);
        byte[] buf = new byte[cap];
        int count = 0;
        while (true) {
            if (count == buf.length) {
                if (count > limit) {
                    return null;
                }
                int next = (int) Math.min((long) limit + 1, (long) buf.length * 2);
                reserve(next);
                buf = Arrays.copyOf(buf, next);
            }
            int n = in.read(buf, count, buf.length - count);
            if (n < 0) {
                break;
            }
            count += n;
        }
        if (count > limit) {
            return null;
        }
        if (count == buf.length) {
            return buf;
        }
        reserve(count);
        return Arrays.copyOf(buf, count);
    }

    /** Bytes reserved so far and held until close. */
    long reservedBytes() {
        long total = 0;
        for (Reservation r : reservations) {
            total += r.bytes();
        }
        return total;
    }

    @Override
    public void close() {
        for (Reservation r : reservations) {
            r.release();
        }
        reservations.clear();
    }
}
