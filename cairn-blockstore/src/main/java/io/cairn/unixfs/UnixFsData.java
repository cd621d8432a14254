package io.cairn.unixfs;

import io.cairn.ipld.MalformedBlockException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The UnixFS {@code Data} message carried in a dag-pb node's Data field:
 * {@code Type = 1; Data = 2; filesize = 3; blocksizes = 4 (repeated); hashType = 5; fanout = 6;
 * mode = 7; mtime = 8}.
 *
 * @param data       the bytes this node itself holds (file content before its children's), never null
 * @param filesize   the file's total size, -1 when absent
 * @param blocksizes the content size under each child link, in link order
 * @param hashType   the HAMT hash function's multicodec code (0x22, murmur3-x64-64), -1 when absent
 * @param fanout     the HAMT fanout, -1 when absent
 * @param mode       the POSIX permission bits (UnixFS 1.5 {@code mode}, lower 12 bits), -1 when absent
 * @param mtime      the modification time in whole seconds since the epoch (UnixFS 1.5 {@code mtime}),
 *                   {@link #NO_MTIME} when absent
 */
public record UnixFsData(Type type, byte[] data, long filesize, List<Long> blocksizes, long hashType, long fanout,
                         int mode, long mtime) {
    /** {@link #mtime()} when the node has none. */
    public static final long NO_MTIME = Long.MIN_VALUE;

    /** Murmur3 x64 64-bit, the only HAMT hash UnixFS uses. */
    public static final long MURMUR3_X64_64 = 0x22;

    public enum Type { RAW, DIRECTORY, FILE, METADATA, SYMLINK, HAMT_SHARD }

    public UnixFsData {
        blocksizes = List.copyOf(blocksizes);
    }

    /** The UnixFS message of a dag-pb node. */
    public static UnixFsData of(PbNode node) {
        if (node.data() == null) {
            throw new MalformedBlockException("dag-pb node has no Data field, so it is not UnixFS");
        }
        return decode(node.data());
    }

    public static UnixFsData decode(byte[] bytes) {
        ProtoReader r = new ProtoReader(bytes, 0, bytes.length, "UnixFS Data");
        Type type = null;
        byte[] data = new byte[0];
        long filesize = -1;
        List<Long> blocksizes = new ArrayList<>();
        long hashType = -1;
        long fanout = -1;
        int mode = -1;
        long mtime = NO_MTIME;
        while (r.more()) {
            int at = r.pos;
            long key = r.varint();
            int field = (int) (key >>> 3);
            int wire = (int) (key & 7);
            switch (field) {
                case 1, 3, 5, 6 -> {
                    if (wire != ProtoReader.VARINT) {
                        throw r.fail(at, "field " + field + " must be a varint");
                    }
                    long v = r.varint();
                    switch (field) {
                        case 1 -> {
                            if (v < 0 || v >= Type.values().length) {
                                throw r.fail(at, "unknown UnixFS type " + v);
                            }
                            type = Type.values()[(int) v];
                        }
                        case 3 -> filesize = v;
                        case 5 -> hashType = v;
                        default -> fanout = v;
                    }
                }
                case 2 -> {
                    if (wire != ProtoReader.LEN) {
                        throw r.fail(at, "Data must be bytes");
                    }
                    int s = r.lengthDelimited();
                    data = Arrays.copyOfRange(bytes, s, r.pos);
                }
                case 4 -> {
                    if (wire == ProtoReader.VARINT) {
                        blocksizes.add(r.varint());
                    } else if (wire == ProtoReader.LEN) {
                        // packed encoding
                        int s = r.lengthDelimited();
                        ProtoReader p = new ProtoReader(bytes, s, r.pos, "UnixFS blocksizes");
                        while (p.more()) {
                            blocksizes.add(p.varint());
                        }
                    } else {
                        throw r.fail(at, "blocksizes must be varints");
                    }
                }
                case 7 -> {
                    if (wire != ProtoReader.VARINT) {
                        throw r.fail(at, "mode must be a varint");
                    }
                    mode = (int) (r.varint() & 07777);
                }
                case 8 -> {
                    if (wire != ProtoReader.LEN) {
                        throw r.fail(at, "mtime must be a UnixTime message");
                    }
                    int s = r.lengthDelimited();
                    mtime = seconds(bytes, s, r.pos);
                }
                default -> {
                    // later additions: skipped, they do not change content
                    switch (wire) {
                        case ProtoReader.VARINT -> r.varint();
                        case ProtoReader.LEN -> r.lengthDelimited();
                        default -> throw r.fail(at, "unsupported wire type " + wire + " for field " + field);
                    }
                }
            }
        }
        if (type == null) {
            throw r.fail(0, "no Type field");
        }
        return new UnixFsData(type, data, filesize, blocksizes, hashType, fanout, mode, mtime);
    }

    /** The {@code Seconds} of a {@code UnixTime {int64 Seconds = 1; fixed32 FractionalNanoseconds = 2}}. */
    private static long seconds(byte[] bytes, int from, int to) {
        ProtoReader r = new ProtoReader(bytes, from, to, "UnixFS mtime");
        long seconds = NO_MTIME;
        while (r.more()) {
            int at = r.pos;
            long key = r.varint();
            int wire = (int) (key & 7);
            if (key >>> 3 == 1 && wire == ProtoReader.VARINT) {
                seconds = r.varint();
            } else if (wire == ProtoReader.FIXED32) {
                r.skip(at, 4);
            } else if (wire == ProtoReader.VARINT) {
                r.varint();
            } else {
                throw r.fail(at, "unexpected wire type " + wire + " in UnixTime");
            }
        }
        return seconds;
    }

    /** The content size of a file node: its own data plus all blocksizes (filesize when given). */
    public long contentSize() {
        if (filesize >= 0) {
            return filesize;
        }
        long n = data.length;
        for (long b : blocksizes) {
            n += b;
        }
        return n;
    }
}
