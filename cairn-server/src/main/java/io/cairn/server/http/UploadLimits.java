package io.cairn.server.http;

/**
 * Bounds on what one upload request may carry besides its byte limits. Every part costs a store
 * write (with {@code fsync}, a disk flush) and an answer line, so an unbounded count of tiny parts
 * would let one request hold a request slot and the disk for as long as it likes.
 */
final class UploadLimits {
    /** Most parts one {@code block/put} or {@code dag/import} request may hold. */
    static final int MAX_PARTS = 1000;

    private UploadLimits() {
    }

    /** Throws a 400 naming the limit once {@code parts} (counted so far) passes it. */
    static void checkParts(String command, int parts) {
        if (parts > MAX_PARTS) {
            throw HttpProblem.badRequest(command + " accepts at most " + MAX_PARTS
                    + " parts per request; this one has more (send the rest in further requests)");
        }
    }
}
