package io.cairn.memory.offheap;

import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * A stream that can read straight into native memory, with no heap array between (the server's
 * multipart part bodies copy from their window into the segment). {@link NativeBuffers} uses it
 * when the stream it reads offers it.
 */
public interface SegmentSource {
    /** Reads up to {@code target.byteSize()} bytes into {@code target}; -1 at the end. */
    int read(MemorySegment target) throws IOException;
}
