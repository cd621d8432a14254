package io.cairn.server.gateway;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.cairn.cid.Cid;
import io.cairn.ipld.MalformedBlockException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * dag-json to and from the value model {@link io.cairn.ipld.DagCbor} uses (Long, BigInteger, Double,
 * String, byte[], List, Map, Cid, Boolean, null): {@code {"/": "cid"}} is a link and
 * {@code {"/": {"bytes": "base64"}}} bytes. Used for path traversal inside dag-json blocks and to
 * render dag-cbor as dag-json.
 */
public final class DagJsonValues {
    private static final JsonFactory JSON = new JsonFactory();
    private static final Base64.Decoder B64 = Base64.getDecoder();
    private static final Base64.Encoder B64_OUT = Base64.getEncoder().withoutPadding();

    private DagJsonValues() {
    }

    public static Object decode(byte[] data) {
        try (JsonParser p = JSON.createParser(data)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new MalformedBlockException("empty dag-json block");
            }
            Object v = value(p, t, 0);
            if (p.nextToken() != null) {
                throw new MalformedBlockException("trailing data after the dag-json value");
            }
            return v;
        } catch (IOException e) {
            throw new MalformedBlockException("invalid dag-json: " + e.getMessage());
        }
    }

    private static Object value(JsonParser p, JsonToken t, int depth) throws IOException {
        if (depth > 256) {
            throw new MalformedBlockException("dag-json nests deeper than 256 levels");
        }
        return switch (t) {
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                for (JsonToken n = p.nextToken(); n != JsonToken.END_ARRAY; n = p.nextToken()) {
                    list.add(value(p, n, depth + 1));
                }
                yield list;
            }
            case START_OBJECT -> object(p, depth);
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT -> {
                BigInteger b = p.getBigIntegerValue();
                yield b.bitLength() < 64 ? (Object) b.longValue() : b;
            }
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new MalformedBlockException("unexpected dag-json token " + t);
        };
    }

    private static Object object(JsonParser p, int depth) throws IOException {
        Map<String, Object> map = new LinkedHashMap<>();
        for (JsonToken n = p.nextToken(); n != JsonToken.END_OBJECT; n = p.nextToken()) {
            String key = p.currentName();
            map.put(key, value(p, p.nextToken(), depth + 1));
        }
        if (map.size() == 1 && map.containsKey("/")) {
            Object slash = map.get("/");
            if (slash instanceof String s) {
                return Cid.parse(s);
            }
            if (slash instanceof Map<?, ?> m && m.size() == 1 && m.get("bytes") instanceof String b64) {
                return B64.decode(b64);
            }
        }
        return map;
    }

    /** dag-json text of a value: map keys in string order (DAG-JSON sorts by UTF-8 bytes; the two differ only beyond the BMP). */
    public static byte[] encode(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            write(g, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void write(JsonGenerator g, Object v) throws IOException {
        switch (v) {
            case null -> g.writeNull();
            case Boolean b -> g.writeBoolean(b);
            case Long l -> g.writeNumber(l);
            case Integer i -> g.writeNumber(i);
            case BigInteger b -> g.writeNumber(b);
            case Double d -> g.writeNumber(d);
            case String s -> g.writeString(s);
            case byte[] b -> {
                g.writeStartObject();
                g.writeFieldName("/");
                g.writeStartObject();
                g.writeStringField("bytes", B64_OUT.encodeToString(b));
                g.writeEndObject();
                g.writeEndObject();
            }
            case Cid c -> {
                g.writeStartObject();
                g.writeStringField("/", c.toString());
                g.writeEndObject();
            }
            case List<?> list -> {
                g.writeStartArray();
                for (Object o : list) {
                    write(g, o);
                }
                g.writeEndArray();
            }
            case Map<?, ?> map -> {
                g.writeStartObject();
                Map<String, Object> sorted = new TreeMap<>();
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    sorted.put((String) e.getKey(), e.getValue());
                }
                for (Map.Entry<String, Object> e : sorted.entrySet()) {
                    g.writeFieldName(e.getKey());
                    write(g, e.getValue());
                }
                g.writeEndObject();
            }
            default -> throw new IllegalStateException("not an IPLD value: " + v.getClass());
        }
    }
}
