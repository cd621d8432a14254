package io.cairn.server.gateway;

import io.cairn.cid.Cid;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.PreEncodedHttpField;

/**
 * The per-block headers of a bare {@code /ipfs/{cid}} raw response, parsed and encoded once per
 * recently served path instead of per request: the CID parsed from the path, and {@code X-Ipfs-Path},
 * {@code ETag}, {@code X-Ipfs-Roots} and {@code Content-Disposition} (each of which prints the CID) as
 * pre-encoded fields that the response writer copies as bytes.
 *
 * <p>Direct-mapped: a slot holds the last path that hashed to it, so the memory is fixed
 * ({@value #SLOTS} entries of about 600 bytes) whatever the number of CIDs requested, and a lookup
 * allocates nothing. Slots are written without locks; entries are immutable, so a reader sees either
 * a whole entry or another path's entry, which it does not match.
 */
final class BlockHeaders {
    static final int SLOTS = 256;

    /** One path's parsed CID and its encoded headers. */
    record Entry(String path, Cid cid, HttpField ipfsPath, HttpField etag, HttpField roots, HttpField disposition) {
    }

    private final Entry[] slots = new Entry[SLOTS];

    /**
     * The entry of a bare {@code /ipfs/{cid}} path (decoded, no segment after the CID).
     *
     * @throws io.cairn.cid.InvalidCidException if the segment is not a CID
     */
    Entry of(String path) {
        int slot = path.hashCode() & (SLOTS - 1);
        Entry e = slots[slot];
        if (e != null && e.path().equals(path)) {
            return e;
        }
        Cid cid = Cid.parse(path.substring("/ipfs/".length()));
        String text = cid.toString();
        e = new Entry(path, cid,
                new PreEncodedHttpField(Gateway.X_IPFS_PATH, path),
                new PreEncodedHttpField(HttpHeader.ETAG, RawResponder.etag(text)),
                new PreEncodedHttpField(RawResponder.X_IPFS_ROOTS, text),
                new PreEncodedHttpField(HttpHeader.CONTENT_DISPOSITION, RawResponder.defaultDisposition(text)));
        slots[slot] = e;
        return e;
    }
}
