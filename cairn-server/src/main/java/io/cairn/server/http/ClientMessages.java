package io.cairn.server.http;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scrubs what a client is shown of server-side detail: an absolute filesystem path (two or more
 * segments, as in a storage failure naming a block file) becomes its last segment after
 * {@code …/}, so error bodies do not reveal where the data directory lives.
 */
final class ClientMessages {
    private static final Pattern ABSOLUTE_PATH = Pattern.compile("(?<![\\w.~])/(?:[^/\\s'\"]+/)+([^/\\s'\":,;()]*)");

    private ClientMessages() {
    }

    static String withoutPaths(String message) {
        if (message == null || message.indexOf('/') < 0) {
            return message;
        }
        Matcher m = ABSOLUTE_PATH.matcher(message);
        StringBuilder out = new StringBuilder(message.length());
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement("…/" + m.group(1)));
        }
        m.appendTail(out);
        return out.toString();
    }
}
