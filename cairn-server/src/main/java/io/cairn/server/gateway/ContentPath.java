package io.cairn.server.gateway;

import io.cairn.cid.Cid;

import java.util.ArrayList;
import java.util.List;

/**
 * A content path {@code /ipfs/{cid}/seg/seg...}: the root CID and the decoded path segments
 * (empty segments from repeated or trailing slashes dropped).
 *
 * @param trailingSlash whether the request path ended in '/', which matters for directory listings
 */
public record ContentPath(Cid root, List<String> segments, boolean trailingSlash) {
    public ContentPath {
        segments = List.copyOf(segments);
    }

    /**
     * Parses a decoded request path under {@code /ipfs/}.
     *
     * @throws GatewayException 400 when no CID follows /ipfs/
     * @throws io.cairn.cid.InvalidCidException when the CID does not parse
     */
    public static ContentPath parse(String decodedPath) {
        String rest = decodedPath.substring("/ipfs/".length());
        int slash = rest.indexOf('/');
        String cidText = slash < 0 ? rest : rest.substring(0, slash);
        if (cidText.isEmpty()) {
            throw GatewayException.badRequest("missing CID after /ipfs/");
        }
        Cid root = Cid.parse(cidText);
        List<String> segments = new ArrayList<>();
        if (slash >= 0) {
            for (String s : rest.substring(slash + 1).split("/")) {
                if (s.isEmpty()) {
                    continue;
                }
                if (s.equals(".") || s.equals("..")) {
                    throw GatewayException.badRequest("path segment '" + s + "' is not allowed in a content path");
                }
                segments.add(s);
            }
        }
        return new ContentPath(root, segments, decodedPath.endsWith("/") && slash >= 0);
    }

    /** {@code /ipfs/{cid}/a/b} as requested, without a trailing slash. */
    public String text() {
        StringBuilder b = new StringBuilder("/ipfs/").append(root);
        for (String s : segments) {
            b.append('/').append(s);
        }
        return b.toString();
    }

    public boolean isBare() {
        return segments.isEmpty();
    }
}
