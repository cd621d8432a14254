package io.cairn.memory.offheap;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;

/**
 * Where a region's memory comes from. On Linux it is an anonymous private {@code mmap} of its own,
 * unmapped when the region's arena closes, so closing a region hands its pages straight back to the
 * kernel and RSS falls by the region's size. {@code Arena.allocate} would use {@code malloc}, and
 * glibc raises its mmap threshold after the first large free (up to 32 MiB), after which 4 MiB
 * chunks come from the brk heap and freeing them need not lower RSS. Elsewhere, or when the
 * downcalls cannot be linked, the arena's own allocator is used.
 */
final class NativeMemory {
    private static final int PROT_READ = 0x1;
    private static final int PROT_WRITE = 0x2;
    private static final int MAP_PRIVATE = 0x02;
    private static final int MAP_ANONYMOUS = 0x20;
    private static final MethodHandle MMAP;
    private static final MethodHandle MUNMAP;

    static {
        MethodHandle mmap = null;
        MethodHandle munmap = null;
        boolean linux = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");
        if (linux && !Boolean.getBoolean("cairn.offheap.malloc")) {
            try {
                Linker linker = Linker.nativeLinker();
                var libc = linker.defaultLookup();
                mmap = linker.downcallHandle(libc.find("mmap").orElseThrow(), FunctionDescriptor.of(ValueLayout.ADDRESS,
                        ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                        ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
                munmap = linker.downcallHandle(libc.find("munmap").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT,
                        ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
            } catch (RuntimeException | LinkageError e) {
                mmap = null;
                munmap = null;
            }
        }
        MMAP = mmap;
        MUNMAP = munmap;
    }

    private NativeMemory() {
    }

    /** Whether regions are mapped directly (and unmapped on close) rather than taken from malloc. */
    static boolean mapsDirectly() {
        return MMAP != null;
    }

    /**
     * {@code bytes} of zeroed native memory whose lifetime is {@code arena}'s: closing the arena
     * frees (unmaps) it.
     *
     * @throws OutOfMemoryError if the kernel refuses the mapping
     */
    static MemorySegment allocate(Arena arena, long bytes) {
        if (MMAP == null) {
            return arena.allocate(bytes, 4096);
        }
        MemorySegment raw;
        try {
            raw = (MemorySegment) MMAP.invokeExact(MemorySegment.NULL, bytes, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0L);
        } catch (Throwable t) {
            throw new IllegalStateException("mmap failed", t);
        }
        if (raw.address() == -1L || raw.address() == 0L) {
            throw new OutOfMemoryError("mmap of " + bytes + " bytes for a block region refused");
        }
        long address = raw.address();
        return raw.reinterpret(bytes, arena, segment -> unmap(address, bytes));
    }

    private static void unmap(long address, long bytes) {
        try {
            int rc = (int) MUNMAP.invokeExact(MemorySegment.ofAddress(address), bytes);
            if (rc != 0) {
                throw new IllegalStateException("munmap of " + bytes + " bytes failed");
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("munmap failed", t);
        }
    }
}
