package io.cairn.server.gateway;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

/**
 * One parsed gateway request, as the response handlers see it.
 *
 * @param range    entity-bytes (null when absent); it implies {@link DagScope#ENTITY}
 * @param filename the {@code filename} query parameter, null when absent
 * @param download {@code download=true}: deserialized responses become attachments
 */
record GatewayRequest(Request request, Response response, boolean head, ContentPath path, Wanted wanted,
                      DagScope scope, EntityBytes range, String filename, boolean download) {

    String header(HttpHeader name) {
        return request.getHeaders().get(name);
    }

    /** Whether If-None-Match names {@code etag} (or is {@code *} and the block exists). */
    boolean notModified(String etag, boolean exists) {
        String inm = header(HttpHeader.IF_NONE_MATCH);
        if (inm == null) {
            return false;
        }
        for (String candidate : inm.split(",")) {
            String c = candidate.trim();
            if (c.startsWith("W/")) {
                c = c.substring(2);
            }
            if (c.equals(etag) || c.equals("*") && exists) {
                return true;
            }
        }
        return false;
    }

    /** {@code attachment; filename="..."}, with an RFC 5987 {@code filename*} for names that are not plain ASCII. */
    static String disposition(String type, String name) {
        StringBuilder ascii = new StringBuilder();
        boolean plain = true;
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            if (ch < 0x20 || ch >= 0x7F || ch == '"' || ch == '\\') {
                plain = false;
                ascii.append('_');
            } else {
                ascii.append(ch);
            }
        }
        String v = type + "; filename=\"" + ascii + "\"";
        if (!plain) {
            v += "; filename*=UTF-8''" + java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8)
                    .replace("+", "%20");
        }
        return v;
    }
}
