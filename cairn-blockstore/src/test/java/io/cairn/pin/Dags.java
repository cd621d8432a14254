package io.cairn.pin;

import io.cairn.blockstore.Block;
import io.cairn.cid.Cid;
import io.cairn.cid.HashFunction;
import io.cairn.cid.Multicodec;
import io.cairn.ipld.DagCbor;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;

/** Small DAGs for the pin and GC tests: dag-pb and dag-cbor nodes over raw leaves. */
final class Dags {
    private Dags() {
    }

    static Block raw(String text) {
        return Block.raw(text.getBytes());
    }

    static Block cbor(List<Cid> links, String salt) {
        byte[] b = DagCbor.encode(Map.of("l", links, "s", salt));
        return Block.of(Cid.of(Multicodec.DAG_CBOR, HashFunction.SHA2_256, b), b);
    }

    /** A dag-pb node (PBNode: Links then Data) linking to {@code links}. */
    static Block pb(List<Cid> links, String data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Cid c : links) {
            byte[] hash = c.toBytes();
            ByteArrayOutputStream link = new ByteArrayOutputStream();
            link.write(0x0a);
            varint(link, hash.length);
            link.writeBytes(hash);
            out.write(0x12);
            varint(out, link.size());
            out.writeBytes(link.toByteArray());
        }
        byte[] d = data.getBytes();
        out.write(0x0a);
        varint(out, d.length);
        out.writeBytes(d);
        byte[] b = out.toByteArray();
        return Block.of(Cid.of(Multicodec.DAG_PB, HashFunction.SHA2_256, b), b);
    }

    private static void varint(ByteArrayOutputStream out, long v) {
        while (v >= 0x80) {
            out.write((int) (v & 0x7f) | 0x80);
            v >>>= 7;
        }
        out.write((int) v);
    }
}
