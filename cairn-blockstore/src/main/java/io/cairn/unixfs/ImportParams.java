package io.cairn.unixfs;

/**
 * How a file becomes a UnixFS DAG: fixed-size chunks, a balanced tree of at most {@code maxLinks}
 * children per node, leaves as raw blocks or as dag-pb UnixFS {@code File} nodes, and the CID
 * version (0 means sha2-256 dag-pb CIDv0; raw leaves are always CIDv1); and how a directory's size
 * is estimated against the 256 KiB HAMT threshold: Kubo's {@code links-bytes} (names and CIDs) or,
 * with {@code blockBytesSharding}, the exact size of the directory block (unixfs-v1-2025).
 */
public record ImportParams(int chunkSize, int maxLinks, boolean rawLeaves, int cidVersion, boolean blockBytesSharding) {
    /** Kubo's defaults ({@code ipfs add}; IPIP-0499 {@code unixfs-v0-2015}): CIDv0, 256 KiB, 174 links, dag-pb leaves. */
    public static final ImportParams KUBO = new ImportParams(256 * 1024, 174, false, 0);
    /** {@code ipfs add --cid-version=1}: raw leaves, otherwise Kubo's defaults. */
    public static final ImportParams KUBO_V1 = new ImportParams(256 * 1024, 174, true, 1);
    /** IPIP-0499's {@code unixfs-v1-2025} profile (what ipfs-car produces): 1 MiB chunks, 1,024 links, raw leaves. */
    public static final ImportParams UNIXFS_V1_2025 = new ImportParams(1024 * 1024, 1024, true, 1, true);
    /** The largest chunk accepted: a block stays exchangeable under the 2 MiB bitswap limit with room for framing. */
    public static final int MAX_CHUNK = 1024 * 1024 + 256 * 1024;

    /** With Kubo's links-bytes HAMT estimate. */
    public ImportParams(int chunkSize, int maxLinks, boolean rawLeaves, int cidVersion) {
        this(chunkSize, maxLinks, rawLeaves, cidVersion, false);
    }

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

    /**
     * The parameters Kubo's {@code add} options ask for, each null when not given: {@code profile}
     * ({@code unixfs-v0-2015}, {@code unixfs-v1-2025}) first, then {@code cid-version} (0 or 1),
     * {@code raw-leaves} (with CIDv0 it moves to CIDv1, as Kubo does) and {@code chunker=size-N}.
     *
     * @throws IllegalArgumentException naming the option that is wrong
     */
    public static ImportParams kubo(String profile, String cidVersion, String rawLeaves, String chunker) {
        ImportParams p;
        if (profile != null && !profile.isBlank()) {
            p = switch (profile.trim()) {
                case "unixfs-v1-2025" -> UNIXFS_V1_2025;
                case "unixfs-v0-2015" -> KUBO;
                default -> throw new IllegalArgumentException("profile must be unixfs-v0-2015 or unixfs-v1-2025, got '" + profile + "'");
            };
        } else {
            String v = cidVersion == null || cidVersion.isBlank() ? "0" : cidVersion.trim();
            p = switch (v) {
                case "0" -> KUBO;
                case "1" -> KUBO_V1;
                default -> throw new IllegalArgumentException("cid-version must be 0 or 1, got " + cidVersion);
            };
        }
        if (rawLeaves != null) {
            boolean raw = switch (rawLeaves.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "", "true", "1", "yes" -> true;
                case "false", "0", "no" -> false;
                default -> throw new IllegalArgumentException("raw-leaves must be true or false, got '" + rawLeaves + "'");
            };
            if (raw && p.cidVersion() == 0) {
                p = p.withCidVersion(1);
            }
            p = p.withRawLeaves(raw);
        }
        if (chunker != null && !chunker.isBlank()) {
            String c = chunker.trim();
            if (!c.startsWith("size-")) {
                throw new IllegalArgumentException("chunker must be size-N (fixed-size chunks), got '" + chunker + "'");
            }
            int size;
            try {
                size = Integer.parseInt(c.substring(5));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("chunker size must be a whole number of bytes, got '" + chunker + "'");
            }
            if (size < 1 || size > MAX_CHUNK) {
                throw new IllegalArgumentException("chunker size " + size + " must be between 1 and " + MAX_CHUNK + " bytes");
            }
            p = p.withChunkSize(size);
        }
        return p;
    }

    public ImportParams withChunkSize(int size) {
        return new ImportParams(size, maxLinks, rawLeaves, cidVersion, blockBytesSharding);
    }

    public ImportParams withRawLeaves(boolean raw) {
        return new ImportParams(chunkSize, maxLinks, raw, cidVersion, blockBytesSharding);
    }

    public ImportParams withCidVersion(int version) {
        return new ImportParams(chunkSize, maxLinks, rawLeaves, version, blockBytesSharding);
    }
}
