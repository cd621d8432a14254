package io.cairn.car;

import io.cairn.cid.Cid;
import io.cairn.cid.Varint;

import java.util.List;

/**
 * The bytes that frame a CARv1 around block data, for writers that send the data themselves (from a
 * memory-mapped view, say) instead of handing it to {@link CarWriter}.
 */
public final class CarFraming {
    private CarFraming() {
    }

    /** The length-prefixed CARv1 header for these roots. */
    public static byte[] header(List<Cid> roots) {
        byte[] header = CarWriter.header(roots);
        byte[] out = new byte[Varint.size(header.length) + header.length];
        int n = Varint.write(header.length, out, 0);
        System.arraycopy(header, 0, out, n, header.length);
        return out;
    }

    /** A section's prefix: its length (CID plus {@code dataLength}) and the CID; the data follows. */
    public static byte[] sectionPrefix(Cid cid, long dataLength) {
        long sectionLength = cid.encodedLength() + dataLength;
        byte[] out = new byte[Varint.size(sectionLength) + cid.encodedLength()];
        int n = Varint.write(sectionLength, out, 0);
        cid.writeTo(out, n);
        return out;
    }

    /** A whole CARv1 of one block up to the block's bytes: the header with that block as root, then its section prefix. */
    public static byte[] singleBlockPrefix(Cid cid, long dataLength) {
        byte[] h = header(List.of(cid));
        byte[] s = sectionPrefix(cid, dataLength);
        byte[] out = new byte[h.length + s.length];
        System.arraycopy(h, 0, out, 0, h.length);
        System.arraycopy(s, 0, out, h.length, s.length);
        return out;
    }
}
