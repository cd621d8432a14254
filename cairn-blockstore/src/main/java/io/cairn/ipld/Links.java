package io.cairn.ipld;

import java.util.List;

import io.cairn.cid.Cid;
import io.cairn.cid.Multicodec;

/**
 * Finds the child CIDs of a block, for walking a DAG (export, pinning, garbage collection).
 *
 * <p>dag-pb links come from {@code PBNode.Links[].Hash}; dag-cbor links are every tag-42 value;
 * dag-json links are every {@code {"/": "<cid>"}} object. Blocks in any other codec (raw,
 * identity, json, cbor, codecs Cairn cannot name) are leaves.
 */
public final class Links {
    private Links() {
    }

    /**
     * The child CIDs of {@code data} decoded under {@code cid}'s codec, in the order they appear
     * (duplicates kept, because a DAG walk in that order reproduces Kubo's DFS export).
     *
     * @throws MalformedBlockException if the bytes do not decode under that codec
     */
    public static List<Cid> of(Cid cid, byte[] data) {
        long codec = cid.codec();
        if (codec == Multicodec.DAG_PB) {
            return DagPb.links(data);
        }
        if (codec == Multicodec.DAG_CBOR) {
            return DagCbor.links(data);
        }
        if (codec == Multicodec.DAG_JSON) {
            return DagJson.links(data);
        }
        return List.of();
    }

    /** Whether {@link #of} can find links in blocks of this codec (otherwise they are leaves). */
    public static boolean understands(long codec) {
        return codec == Multicodec.DAG_PB || codec == Multicodec.DAG_CBOR || codec == Multicodec.DAG_JSON;
    }
}
