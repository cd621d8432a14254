package io.cairn.server.gateway;

import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/** The Content-Type of a deserialized file: from its name's extension, else sniffed from its first bytes. */
final class ContentTypes {
    static final String OCTETS = "application/octet-stream";
    /** Bytes sniffing looks at (the WHATWG MIME sniffing standard reads 512 too). */
    static final int SNIFF = 512;

    private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"), Map.entry("htm", "text/html; charset=utf-8"),
            Map.entry("txt", "text/plain; charset=utf-8"), Map.entry("md", "text/markdown; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"), Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"), Map.entry("json", "application/json"),
            Map.entry("xml", "application/xml"), Map.entry("svg", "image/svg+xml"), Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"), Map.entry("gif", "image/gif"),
            Map.entry("webp", "image/webp"), Map.entry("ico", "image/x-icon"), Map.entry("pdf", "application/pdf"),
            Map.entry("mp4", "video/mp4"), Map.entry("webm", "video/webm"), Map.entry("mp3", "audio/mpeg"),
            Map.entry("wasm", "application/wasm"), Map.entry("woff2", "font/woff2"), Map.entry("zip", "application/zip"),
            Map.entry("car", "application/vnd.ipld.car"), Map.entry("bin", OCTETS));

    private ContentTypes() {
    }

    /** By extension, or null when the name has none that is known. */
    static String byName(String name) {
        if (name == null) {
            return null;
        }
        int dot = name.lastIndexOf('.');
        if (dot < 0 || dot == name.length() - 1) {
            return null;
        }
        return BY_EXTENSION.get(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /** From the first bytes of the content. */
    static String sniff(byte[] head, int len) {
        if (startsWith(head, len, new byte[] {(byte) 0x89, 'P', 'N', 'G'})) {
            return "image/png";
        }
        if (startsWith(head, len, new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF})) {
            return "image/jpeg";
        }
        if (startsWith(head, len, "GIF8".getBytes(StandardCharsets.US_ASCII))) {
            return "image/gif";
        }
        if (startsWith(head, len, "%PDF-".getBytes(StandardCharsets.US_ASCII))) {
            return "application/pdf";
        }
        for (int i = 0; i < len; i++) {
            if (head[i] == 0) {
                return OCTETS;
            }
        }
        // endOfInput=false: a multi-byte character cut at the end of the sniffed window is not an error.
        java.nio.CharBuffer chars = java.nio.CharBuffer.allocate(len);
        java.nio.charset.CoderResult r = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(head, 0, len), chars, false);
        if (r.isError()) {
            return OCTETS;
        }
        String text = chars.flip().toString();
        String t = text.stripLeading().toLowerCase(Locale.ROOT);
        if (t.startsWith("<!doctype html") || t.startsWith("<html") || t.startsWith("<head") || t.startsWith("<body")) {
            return "text/html; charset=utf-8";
        }
        if (t.startsWith("<svg")) {
            return "image/svg+xml";
        }
        return "text/plain; charset=utf-8";
    }

    private static boolean startsWith(byte[] data, int len, byte[] prefix) {
        if (len < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (data[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
