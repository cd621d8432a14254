package io.cairn.unixfs;

import io.cairn.cid.Cid;
import io.cairn.cid.InvalidCidException;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A decoded dag-pb block: {@code PBNode { repeated PBLink Links = 2; optional bytes Data = 1; }}.
 * Unknown fields and wrong wire types are rejected, as the dag-pb specification requires.
 *
 * @param data  the Data field, null when absent (for UnixFS, the {@link UnixFsData} message)
 * @param links the links in block order
 */
public record PbNode(byte[] data, List<PbLink> links) {
    public PbNode {
        links = List.copyOf(links);
    }

    /**
     * @throws io.cairn.ipld.MalformedBlockException if the bytes are not a dag-pb node
     */
    public static PbNode decode(byte[] block) {
        ProtoReader r = new ProtoReader(block, 0, block.length, "dag-pb");
        byte[] data = null;
        List<PbLink> links = new ArrayList<>();
        while (r.more()) {
            int at = r.pos;
            long key = r.varint();
            int field = (int) (key >>> 3);
            int wire = (int) (key & 7);
            if (wire != ProtoReader.LEN || (field != 1 && field != 2)) {
                throw r.fail(at, "unexpected field " + field + " with wire type " + wire + " in PBNode");
            }
            int start = r.lengthDelimited();
            if (field == 1) {
                if (data != null) {
                    throw r.fail(at, "duplicate Data field");
                }
                data = Arrays.copyOfRange(block, start, r.pos);
            } else {
                links.add(link(block, start, r.pos, r));
            }
        }
        return new PbNode(data, links);
    }

    private static PbLink link(byte[] block, int start, int end, ProtoReader outer) {
        ProtoReader r = new ProtoReader(block, start, end, "dag-pb link");
        Cid hash = null;
        String name = "";
        long tsize = -1;
        while (r.more()) {
            int at = r.pos;
            long key = r.varint();
            int field = (int) (key >>> 3);
            int wire = (int) (key & 7);
            if (field == 3 && wire == ProtoReader.VARINT) {
                tsize = r.varint();
            } else if (field == 1 && wire == ProtoReader.LEN) {
                int s = r.lengthDelimited();
                try {
                    hash = Cid.decode(Arrays.copyOfRange(block, s, r.pos));
                } catch (InvalidCidException e) {
                    throw r.fail(s, "bad CID in PBLink.Hash: " + e.getMessage());
                }
            } else if (field == 2 && wire == ProtoReader.LEN) {
                int s = r.lengthDelimited();
                try {
                    name = StandardCharsets.UTF_8.newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(block, s, r.pos - s)).toString();
                } catch (CharacterCodingException e) {
                    throw r.fail(s, "PBLink.Name is not UTF-8");
                }
            } else {
                throw r.fail(at, "unexpected field " + field + " with wire type " + wire + " in PBLink");
            }
        }
        if (hash == null) {
            throw outer.fail(start, "PBLink without a Hash");
        }
        return new PbLink(hash, name, tsize);
    }
}
