package io.cairn.server.gateway;

import io.cairn.blockstore.Block;
import io.cairn.cid.Multicodec;
import io.cairn.ipld.DagCbor;
import io.cairn.unixfs.PbLink;
import io.cairn.unixfs.PbNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders a block in another IPLD codec: as stored when the codecs agree, converted between
 * dag-json and dag-cbor, and dag-pb shown in its data-model form ({@code {"Data", "Links"}}).
 * For the gateway's {@code format=dag-json|dag-cbor} and the RPC's {@code dag/get}.
 */
public final class IpldCodecs {
    private IpldCodecs() {
    }

    /**
     * @param codec dag-json, dag-cbor, json or cbor
     * @return the bytes, or null when this block cannot be rendered in that codec
     */
    public static byte[] render(Block t, String codec) {
        long c = t.cid().codec();
        return switch (codec) {
            case "dag-json" -> c == Multicodec.DAG_JSON ? t.bytes()
                    : c == Multicodec.DAG_CBOR ? DagJsonValues.encode(DagCbor.decode(t.bytes()))
                    : c == Multicodec.DAG_PB ? DagJsonValues.encode(pbValue(t)) : null;
            case "dag-cbor" -> c == Multicodec.DAG_CBOR ? t.bytes()
                    : c == Multicodec.DAG_JSON ? DagCbor.encode(DagJsonValues.decode(t.bytes()))
                    : c == Multicodec.DAG_PB ? DagCbor.encode(pbValue(t)) : null;
            case "json" -> c == Multicodec.JSON ? t.bytes() : null;
            case "cbor" -> c == Multicodec.CBOR ? t.bytes() : null;
            default -> null;
        };
    }

    /** dag-pb in the IPLD data model: {@code {"Data": bytes, "Links": [{"Hash", "Name", "Tsize"}]}}. */
    public static Map<String, Object> pbValue(Block t) {
        PbNode node = PbNode.decode(t.bytes());
        List<Object> links = new ArrayList<>();
        for (PbLink l : node.links()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("Hash", l.hash());
            m.put("Name", l.name());
            if (l.tsize() >= 0) {
                m.put("Tsize", l.tsize());
            }
            links.add(m);
        }
        Map<String, Object> v = new LinkedHashMap<>();
        if (node.data() != null) {
            v.put("Data", node.data());
        }
        v.put("Links", links);
        return v;
    }
}
