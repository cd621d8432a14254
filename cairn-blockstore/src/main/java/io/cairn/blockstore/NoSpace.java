package io.cairn.blockstore;

import java.nio.file.FileSystemException;
import java.util.Locale;

/** Recognises the operating system's "file system full" errors (ENOSPC, EDQUOT) in an I/O failure. */
final class NoSpace {
    private NoSpace() {
    }

    static boolean is(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            String m = c instanceof FileSystemException f && f.getReason() != null ? f.getReason() : c.getMessage();
            if (m != null) {
                String s = m.toLowerCase(Locale.ROOT);
                if (s.contains("no space left on device") || s.contains("disk quota exceeded")) {
                    return true;
                }
            }
        }
        return false;
    }
}
