package io.cairn.ipld;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import io.cairn.cid.Cid;
import io.cairn.cid.InvalidCidException;

/**
 * A small DAG-CBOR codec: enough to read and write CAR headers and to find the links in any
 * dag-cbor block. It is not a general data-model library.
 *
 * <p>Decoded values map to Java as: unsigned and negative integers to {@link Long} (or
 * {@link BigInteger} beyond its range), floats to {@link Double}, byte strings to {@code byte[]},
 * text to {@link String}, arrays to {@link List}, maps to an insertion-ordered {@link Map} with
 * {@code String} keys, tag 42 to {@link Cid}, and simple values to {@link Boolean} or {@code null}.
 * Indefinite lengths, tags other than 42, non-string map keys, duplicate keys and invalid UTF-8 are
 * rejected as DAG-CBOR requires; canonical ordering and minimal integer widths are not enforced on
 * read, because a block is already identified by its hash and Cairn never re-encodes it.
 */
public final class DagCbor {
    /** CBOR tag 42 marks a CID (as bytes with a leading 0x00 multibase-identity byte). */
    public static final int CID_TAG = 42;
    /**
     * Nesting limit: deeper documents are refused rather than risk a stack overflow. Real blocks
     * nest a handful of levels; the codec-fixtures go to 5.
     */
    static final int MAX_DEPTH = 256;

    private DagCbor() {
    }

    /** Decodes one complete dag-cbor value; trailing bytes are an error. */
    public static Object decode(byte[] data) {
        Reader r = new Reader(data, null);
        Object value = r.item(0);
        r.expectEnd();
        return value;
    }

    /** Every CID (tag 42) in a dag-cbor block, in document order, duplicates kept. */
    public static List<Cid> links(byte[] data) {
        List<Cid> out = new ArrayList<>();
        forEachLink(data, out::add);
        return out;
    }

    /**
     * Walks the block without building values, handing each CID to {@code sink} in document order.
     * The walk checks the structure (lengths, nesting, tags, key types) but, to stay allocation-free,
     * neither decodes text nor collects map keys: a block whose only fault is invalid UTF-8 or a
     * duplicate map key yields its links here while {@link #decode} refuses it (found by
     * {@code DagCborFuzzTest}). A block is identified by its hash, so its links are still its links.
     */
    public static void forEachLink(byte[] data, Consumer<Cid> sink) {
        Reader r = new Reader(data, sink);
        r.item(0);
        r.expectEnd();
    }

    /**
     * Encodes a value built from the types {@link #decode} produces (plus {@link Integer}, arrays of
     * {@code Object} and any {@link Map} with string keys). Map keys are written in DAG-CBOR's
     * canonical order (shorter first, then bytewise) and floats always as 64-bit.
     */
    public static byte[] encode(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(value, out, 0);
        return out.toByteArray();
    }

    private static void write(Object v, ByteArrayOutputStream out, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("value nests deeper than " + MAX_DEPTH + " levels");
        }
        switch (v) {
            case null -> out.write(0xF6);
            case Boolean b -> out.write(b ? 0xF5 : 0xF4);
            case Integer i -> writeInt(i.longValue(), out);
            case Long l -> writeInt(l, out);
            case BigInteger bi -> writeBig(bi, out);
            case Double d -> {
                out.write(0xFB);
                writeUint(Double.doubleToRawLongBits(d), 8, out);
            }
            case String s -> {
                byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
                header(3, utf8.length, out);
                out.writeBytes(utf8);
            }
            case byte[] b -> {
                header(2, b.length, out);
                out.writeBytes(b);
            }
            case Cid cid -> {
                header(6, CID_TAG, out);
                header(2, cid.encodedLength() + 1L, out);
                out.write(0);
                out.writeBytes(cid.toBytes());
            }
            case List<?> list -> {
                header(4, list.size(), out);
                for (Object item : list) {
                    write(item, out, depth + 1);
                }
            }
            case Object[] array -> write(Arrays.asList(array), out, depth);
            case Map<?, ?> map -> {
                List<Map.Entry<byte[], Object>> entries = new ArrayList<>(map.size());
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    if (!(e.getKey() instanceof String key)) {
                        throw new IllegalArgumentException("DAG-CBOR map keys must be strings, not " + e.getKey());
                    }
                    entries.add(new AbstractMap.SimpleImmutableEntry<>(key.getBytes(StandardCharsets.UTF_8), e.getValue()));
                }
                entries.sort(Comparator.<Map.Entry<byte[], Object>>comparingInt(e -> e.getKey().length)
                        .thenComparing(Map.Entry::getKey, Arrays::compareUnsigned));
                header(5, entries.size(), out);
                for (Map.Entry<byte[], Object> e : entries) {
                    header(3, e.getKey().length, out);
                    out.writeBytes(e.getKey());
                    write(e.getValue(), out, depth + 1);
                }
            }
            default -> throw new IllegalArgumentException("cannot encode " + v.getClass().getName() + " as DAG-CBOR");
        }
    }

    private static void writeInt(long v, ByteArrayOutputStream out) {
        if (v >= 0) {
            header(0, v, out);
        } else {
            header(1, -1 - v, out);
        }
    }

    private static void writeBig(BigInteger v, ByteArrayOutputStream out) {
        BigInteger n = v.signum() >= 0 ? v : v.negate().subtract(BigInteger.ONE);
        if (n.bitLength() > 64) {
            throw new IllegalArgumentException("integer " + v + " does not fit DAG-CBOR's 64-bit range");
        }
        out.write((v.signum() >= 0 ? 0 : 1) << 5 | 27);
        writeUint(n.longValue(), 8, out);
    }

    /** Writes a major type with its argument in the shortest form, as DAG-CBOR requires. */
    private static void header(int major, long arg, ByteArrayOutputStream out) {
        int m = major << 5;
        if (arg >= 0 && arg < 24) {
            out.write(m | (int) arg);
        } else if (arg >= 0 && arg <= 0xFF) {
            out.write(m | 24);
            writeUint(arg, 1, out);
        } else if (arg >= 0 && arg <= 0xFFFF) {
            out.write(m | 25);
            writeUint(arg, 2, out);
        } else if (arg >= 0 && arg <= 0xFFFFFFFFL) {
            out.write(m | 26);
            writeUint(arg, 4, out);
        } else {
            out.write(m | 27);
            writeUint(arg, 8, out);
        }
    }

    private static void writeUint(long v, int bytes, ByteArrayOutputStream out) {
        for (int i = bytes - 1; i >= 0; i--) {
            out.write((int) (v >>> (8 * i)));
        }
    }

    /** A cursor over one block; builds values unless it only collects links for a sink. */
    private static final class Reader {
        private final byte[] data;
        private final Consumer<Cid> linkSink;
        private int pos;

        Reader(byte[] data, Consumer<Cid> linkSink) {
            this.data = data;
            this.linkSink = linkSink;
        }

        void expectEnd() {
            if (pos != data.length) {
                throw fail(pos, (data.length - pos) + " trailing byte(s) after the top-level value");
            }
        }

        Object item(int depth) {
            if (depth > MAX_DEPTH) {
                throw fail(pos, "nesting deeper than " + MAX_DEPTH + " levels");
            }
            int at = pos;
            int initial = u8();
            int major = initial >>> 5;
            int info = initial & 0x1F;
            if (major == 7) {
                return simple(at, info);
            }
            if (info == 31) {
                throw fail(at, "indefinite-length items are not allowed in DAG-CBOR");
            }
            long arg = argument(at, info);
            boolean building = linkSink == null;
            switch (major) {
                case 0:
                    return arg >= 0 ? (Object) arg : new BigInteger(Long.toUnsignedString(arg));
                case 1:
                    return arg >= 0 ? (Object) (-1 - arg)
                            : BigInteger.ONE.negate().subtract(new BigInteger(Long.toUnsignedString(arg)));
                case 2: {
                    int len = length(at, arg, "byte string");
                    byte[] b = building ? Arrays.copyOfRange(data, pos, pos + len) : null;
                    pos += len;
                    return b;
                }
                case 3: {
                    int len = length(at, arg, "text string");
                    String s = building ? utf8(at, pos, len) : null;
                    pos += len;
                    return s;
                }
                case 4: {
                    int n = count(at, arg, "array");
                    List<Object> list = building ? new ArrayList<>(n) : null;
                    for (int i = 0; i < n; i++) {
                        Object item = item(depth + 1);
                        if (building) {
                            list.add(item);
                        }
                    }
                    return list;
                }
                case 5: {
                    int n = count(at, arg, "map");
                    Map<String, Object> map = building ? LinkedHashMap.newLinkedHashMap(n) : null;
                    for (int i = 0; i < n; i++) {
                        int keyAt = pos;
                        int k = u8();
                        if (k >>> 5 != 3 || (k & 0x1F) == 31) {
                            throw fail(keyAt, "map key must be a definite-length text string");
                        }
                        int len = length(keyAt, argument(keyAt, k & 0x1F), "map key");
                        String key = building ? utf8(keyAt, pos, len) : null;
                        pos += len;
                        Object value = item(depth + 1);
                        if (building && map.putIfAbsent(key, value) != null) {
                            throw fail(keyAt, "duplicate map key '" + key + "'");
                        }
                    }
                    return map;
                }
                case 6: {
                    if (arg != CID_TAG) {
                        throw fail(at, "tag " + Long.toUnsignedString(arg) + " is not allowed in DAG-CBOR (only 42)");
                    }
                    return link(at);
                }
                default:
                    throw new AssertionError(major);
            }
        }

        private Cid link(int tagAt) {
            int at = pos;
            int initial = u8();
            if (initial >>> 5 != 2 || (initial & 0x1F) == 31) {
                throw fail(at, "tag 42 must wrap a byte string");
            }
            int len = length(at, argument(at, initial & 0x1F), "CID");
            if (len == 0 || data[pos] != 0) {
                throw fail(at, "tag 42 bytes must start with the 0x00 multibase prefix");
            }
            Cid cid;
            try {
                cid = Cid.decode(Arrays.copyOfRange(data, pos + 1, pos + len));
            } catch (InvalidCidException e) {
                throw new MalformedBlockException("invalid DAG-CBOR at offset " + tagAt + ": bad CID in tag 42: "
                        + e.getMessage(), e);
            }
            pos += len;
            if (linkSink != null) {
                linkSink.accept(cid);
            }
            return cid;
        }

        private Object simple(int at, int info) {
            return switch (info) {
                case 20 -> Boolean.FALSE;
                case 21 -> Boolean.TRUE;
                case 22 -> null;
                case 25 -> Double.valueOf(Float.float16ToFloat((short) uint(2)));
                case 26 -> Double.valueOf(Float.intBitsToFloat((int) uint(4)));
                case 27 -> Double.longBitsToDouble(uint(8));
                default -> throw fail(at, "simple value " + info + " is not allowed in DAG-CBOR");
            };
        }

        private long argument(int at, int info) {
            return switch (info) {
                case 24 -> uint(1);
                case 25 -> uint(2);
                case 26 -> uint(4);
                case 27 -> uint(8);
                default -> {
                    if (info < 24) {
                        yield info;
                    }
                    throw fail(at, "reserved additional information " + info);
                }
            };
        }

        /** A byte length checked against what is left, so a corrupt header cannot force a huge allocation. */
        private int length(int at, long arg, String what) {
            if (arg < 0 || arg > data.length - pos) {
                throw fail(at, what + " declares " + Long.toUnsignedString(arg) + " bytes but only "
                        + (data.length - pos) + " remain");
            }
            return (int) arg;
        }

        /** An item count checked against what is left: every item takes at least one byte. */
        private int count(int at, long arg, String what) {
            if (arg < 0 || arg > data.length - pos) {
                throw fail(at, what + " declares " + Long.toUnsignedString(arg) + " entries but only "
                        + (data.length - pos) + " bytes remain");
            }
            return (int) arg;
        }

        private String utf8(int at, int off, int len) {
            try {
                return StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(data, off, len)).toString();
            } catch (CharacterCodingException e) {
                throw fail(at, "text string is not valid UTF-8");
            }
        }

        private int u8() {
            if (pos >= data.length) {
                throw fail(pos, "unexpected end of data");
            }
            return data[pos++] & 0xFF;
        }

        private long uint(int bytes) {
            if (data.length - pos < bytes) {
                throw fail(pos, "unexpected end of data inside a " + bytes + "-byte argument");
            }
            long v = 0;
            for (int i = 0; i < bytes; i++) {
                v = (v << 8) | (data[pos++] & 0xFF);
            }
            return v;
        }

        private MalformedBlockException fail(int at, String problem) {
            return new MalformedBlockException("invalid DAG-CBOR at offset " + at + " of " + data.length + ": " + problem);
        }
    }
}
