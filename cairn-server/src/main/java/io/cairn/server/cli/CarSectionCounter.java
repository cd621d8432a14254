package io.cairn.server.cli;

/**
 * Counts the blocks of a CAR (v1, or v2 around a v1 payload) from its bytes as they stream past,
 * without buffering or decoding them: the section lengths are the only thing read. It lets the
 * {@code import} progress show blocks while the server does the real parsing.
 */
final class CarSectionCounter {
    private static final byte[] V2_PRAGMA = {0x0a, (byte) 0xa1, 0x67, 0x76, 0x65, 0x72, 0x73, 0x69, 0x6f, 0x6e, 0x02};
    private static final int V2_PREFIX = 11 + 40;

    private long position;
    private final byte[] prefix = new byte[V2_PREFIX];
    private boolean v2;
    private long payloadStart;
    private long payloadEnd = Long.MAX_VALUE;
    private boolean decided;
    // Section state: reading a varint, or skipping the rest of a section.
    private long varint;
    private int shift;
    private long skip;
    private long sections;

    long blocks() {
        // The first section is the header, not a block.
        return Math.max(0, sections - 1);
    }

    void feed(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            feed(b[i]);
        }
    }

    private void feed(byte x) {
        long p = position++;
        if (!decided) {
            if (p < V2_PREFIX) {
                prefix[(int) p] = x;
            }
            if (p == V2_PRAGMA.length - 1 && !startsWithPragma()) {
                decided = true;
                v2 = false;
                // Replay the bytes seen so far as v1.
                long saved = position;
                position = 0;
                for (int i = 0; i < V2_PRAGMA.length; i++) {
                    section(prefix[i]);
                }
                position = saved;
                return;
            }
            if (p == V2_PREFIX - 1) {
                decided = true;
                v2 = true;
                payloadStart = le64(11 + 16);
                payloadEnd = payloadStart + le64(11 + 24);
            }
            return;
        }
        if (v2 && (p < payloadStart || p >= payloadEnd)) {
            return;
        }
        section(x);
    }

    private void section(byte x) {
        if (skip > 0) {
            skip--;
            return;
        }
        varint |= (long) (x & 0x7f) << shift;
        if ((x & 0x80) != 0) {
            shift += 7;
            if (shift > 63) {
                shift = 0;
                varint = 0;
            }
            return;
        }
        sections++;
        skip = varint;
        varint = 0;
        shift = 0;
    }

    private boolean startsWithPragma() {
        for (int i = 0; i < V2_PRAGMA.length; i++) {
            if (prefix[i] != V2_PRAGMA[i]) {
                return false;
            }
        }
        return true;
    }

    private long le64(int at) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (prefix[at + i] & 0xff);
        }
        return v;
    }
}
