package io.cairn.ipld;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.cairn.cid.Cid;
import io.cairn.cid.InvalidCidException;

/**
 * Finds the links in a dag-json block: every object that is exactly {@code {"/": "<cid text>"}}.
 * It walks the JSON grammar (so a {@code "/"} inside a string is not mistaken for a link) without
 * building values, and rejects malformed JSON rather than guessing.
 */
final class DagJson {
    private final byte[] data;
    private final List<Cid> links = new ArrayList<>();
    private int pos;

    private DagJson(byte[] data) {
        this.data = data;
    }

    static List<Cid> links(byte[] data) {
        DagJson p = new DagJson(data);
        p.skipWhitespace();
        p.value(0);
        p.skipWhitespace();
        if (p.pos != data.length) {
            throw p.fail("trailing data after the top-level value");
        }
        return p.links;
    }

    private void value(int depth) {
        if (depth > DagCbor.MAX_DEPTH) {
            throw fail("nesting deeper than " + DagCbor.MAX_DEPTH + " levels");
        }
        if (pos >= data.length) {
            throw fail("unexpected end of data");
        }
        switch (data[pos]) {
            case '{' -> object(depth);
            case '[' -> array(depth);
            case '"' -> string();
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            default -> number();
        }
    }

    private void object(int depth) {
        int start = pos++;
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return;
        }
        int keys = 0;
        while (true) {
            skipWhitespace();
            String key = string();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            keys++;
            if (keys == 1 && key.equals("/") && peek() == '"') {
                int valueAt = pos;
                String text = string();
                skipWhitespace();
                if (peek() == '}') {
                    pos++;
                    try {
                        links.add(Cid.parseAny(text));
                    } catch (InvalidCidException e) {
                        pos = valueAt;
                        throw fail("bad link {\"/\": ...}: " + e.getMessage());
                    }
                    return;
                }
            } else {
                value(depth + 1);
                skipWhitespace();
            }
            byte c = next();
            if (c == '}') {
                return;
            }
            if (c != ',') {
                pos--;
                throw fail("expected ',' or '}' in the object starting at offset " + start);
            }
        }
    }

    private void array(int depth) {
        int start = pos++;
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            return;
        }
        while (true) {
            skipWhitespace();
            value(depth + 1);
            skipWhitespace();
            byte c = next();
            if (c == ']') {
                return;
            }
            if (c != ',') {
                pos--;
                throw fail("expected ',' or ']' in the array starting at offset " + start);
            }
        }
    }

    /** Reads a string token and returns its decoded text. */
    private String string() {
        expect('"');
        StringBuilder sb = null;
        int runStart = pos;
        while (true) {
            byte c = next();
            if (c == '"') {
                String run = new String(data, runStart, pos - 1 - runStart, StandardCharsets.UTF_8);
                return sb == null ? run : sb.append(run).toString();
            }
            if (c == '\\') {
                if (sb == null) {
                    sb = new StringBuilder();
                }
                sb.append(new String(data, runStart, pos - 1 - runStart, StandardCharsets.UTF_8));
                byte e = next();
                switch (e) {
                    case '"', '\\', '/' -> sb.append((char) e);
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'u' -> {
                        if (data.length - pos < 4) {
                            throw fail("truncated \\u escape");
                        }
                        int cp;
                        try {
                            cp = Integer.parseInt(new String(data, pos, 4, StandardCharsets.US_ASCII), 16);
                        } catch (NumberFormatException ex) {
                            throw fail("bad \\u escape");
                        }
                        pos += 4;
                        sb.append((char) cp);
                    }
                    default -> {
                        pos--;
                        throw fail("bad escape character");
                    }
                }
                runStart = pos;
            } else if ((c & 0xFF) < 0x20) {
                pos--;
                throw fail("control character in a string");
            }
        }
    }

    private void literal(String word) {
        for (int i = 0; i < word.length(); i++) {
            if (pos >= data.length || data[pos] != word.charAt(i)) {
                throw fail("expected '" + word + "'");
            }
            pos++;
        }
    }

    private void number() {
        int start = pos;
        while (pos < data.length) {
            byte c = data[pos];
            if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E') {
                pos++;
            } else {
                break;
            }
        }
        if (pos == start) {
            throw fail("unexpected character '" + (char) (data[pos] & 0xFF) + "'");
        }
    }

    private void skipWhitespace() {
        while (pos < data.length && (data[pos] == ' ' || data[pos] == '\n' || data[pos] == '\r' || data[pos] == '\t')) {
            pos++;
        }
    }

    private byte peek() {
        if (pos >= data.length) {
            throw fail("unexpected end of data");
        }
        return data[pos];
    }

    private byte next() {
        byte b = peek();
        pos++;
        return b;
    }

    private void expect(char c) {
        if (peek() != c) {
            throw fail("expected '" + c + "'");
        }
        pos++;
    }

    private MalformedBlockException fail(String problem) {
        return new MalformedBlockException("invalid dag-json at offset " + pos + " of " + data.length + ": " + problem);
    }
}
