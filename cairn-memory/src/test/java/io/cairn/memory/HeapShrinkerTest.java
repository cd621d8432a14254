package io.cairn.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HeapShrinkerTest {
    private static final long MIB = 1L << 20;

    @Test
    void aHeapThatLeavesTooLittleOfTheContainerGetsACeiling() {
        // 320 MiB group: 256 and 192 MiB heaps leave less than the 160 MiB the JVM needs outside them.
        assertEquals(160 * MIB, HeapShrinker.ceiling(256 * MIB, 320 * MIB));
        assertEquals(160 * MIB, HeapShrinker.ceiling(192 * MIB, 320 * MIB));
        // never below a quarter of the heap max
        assertEquals(256 * MIB, HeapShrinker.ceiling(1024 * MIB, 320 * MIB));
    }

    @Test
    void noCeilingWhenTheHeapFitsOrThereIsNoContainer() {
        assertEquals(-1, HeapShrinker.ceiling(160 * MIB, 320 * MIB));
        assertEquals(-1, HeapShrinker.ceiling(80 * MIB, 320 * MIB));
        assertEquals(-1, HeapShrinker.ceiling(256 * MIB, -1));
    }

    @Test
    void theSoftLimitFollowsTheLiveSetWithinTheFloor() {
        assertEquals(64 * MIB, HeapShrinker.target(10 * MIB, 256 * MIB));
        assertEquals(150 * MIB, HeapShrinker.target(100 * MIB, 256 * MIB));
        assertEquals(256 * MIB, HeapShrinker.target(200 * MIB, 256 * MIB));
    }
}
