package io.cairn.unixfs;

/**
 * How a file becomes a UnixFS DAG: fixed-size chunks, a balanced tree of at most {@code maxLinks}
 * children per node, leaves as raw blocks or as dag-pb UnixFS {@code File} nodes, and the CID
 * version (0 means sha2-256 dag-pb CIDv0; raw leaves are always CIDv1).
 */
public record ImportParams(int chunkSize, int maxLinks, boolean rawLeaves, int cidVersion) {
    /** Kubo's defaults ({@code ipfs add}; IPIP-0499 {@code unixfs-v0-2015}): CIDv0, 256 KiB, 174 links, dag-pb leaves. */
    public static final ImportParams KUBO = new ImportParams(256 * 1024, 174, false, 0);
    /** {@code ipfs add --cid-version=1}: raw leaves, otherwise Kubo's defaults. */
    public static final ImportParams KUBO_V1 = new ImportParams(256 * 1024, 174, true, 1);
    /** IPIP-0499's {@code unixfs-v1-2025} profile (what ipfs-car produces): 1 MiB chunks, 1,024 links, raw leaves. */
    public static final ImportParams UNIXFS_V1_2025 = new ImportParams(1024 * 1024, 1024, true, 1);
    /** The largest chunk accepted: a block stays exchangeable under the 2 MiB bitswap limit with room for framing. */
    public static final int MAX_CHUNK = 1024 * 1024 + 256 * 1024;

    public ImportParams {
        if (chunkSize < 1 || chunkSize > MAX_CHUNK) {
            throw new IllegalArgumentException("chunk size " + chunkSize + " must be between 1 and " + MAX_CHUNK + " bytes");
        }
        if (maxLinks < 2 || maxLinks > 8192) {
            throw new IllegalArgumentException("links per node " + maxLinks + " must be between 2 and 8192");
        }
        if (cidVersion != 0 && cidVersion != 1) {
            throw new IllegalArgumentException("CID version must be 0 or 1, got " + cidVersion);
        }
        if (cidVersion == 0 && rawLeaves) {
            throw new IllegalArgumentException("raw leaves need CIDv1 (a raw block has no CIDv0)");
        }
    }

    public ImportParams withChunkSize(int size) {
        return new ImportParams(size, maxLinks, rawLeaves, cidVersion);
    }

    public ImportParams withRawLeaves(boolean raw) {
        return new ImportParams(chunkSize, maxLinks, raw, cidVersion);
    }

    public ImportParams withCidVersion(int version) {
        return new ImportParams(chunkSize, maxLinks, rawLeaves, version);
    }
}
