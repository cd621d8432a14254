package io.cairn.blockstore;

import java.io.Serial;
import java.util.Objects;

import io.cairn.cid.Cid;

/**
 * A block's bytes do not hash to the digest in its CID: the bytes on disk were corrupted, or a caller
 * paired data with the wrong CID. Both digests are in the message (hex) so an operator can tell a
 * flipped bit from a wholly different block.
 */
public final class HashMismatchException extends BlockstoreException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final transient Cid cid;
    private final String expectedDigestHex;
    private final String actualDigestHex;

    public HashMismatchException(Cid cid, String expectedDigestHex, String actualDigestHex) {
        super("hash mismatch for " + cid + ": expected digest " + expectedDigestHex
                + " but the bytes hash to " + actualDigestHex);
        this.cid = Objects.requireNonNull(cid, "cid");
        this.expectedDigestHex = expectedDigestHex;
        this.actualDigestHex = actualDigestHex;
    }

    public Cid cid() {
        return cid;
    }

    /** The digest carried by the CID, in lower-case hex. */
    public String expectedDigestHex() {
        return expectedDigestHex;
    }

    /** The digest of the bytes actually found, in lower-case hex, truncated to the CID's digest length. */
    public String actualDigestHex() {
        return actualDigestHex;
    }
}
