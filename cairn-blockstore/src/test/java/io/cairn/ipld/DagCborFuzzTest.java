package io.cairn.ipld;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.cairn.cid.Cid;
import io.cairn.cid.HashFunction;
import io.cairn.cid.Multicodec;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz target: dag-cbor link extraction and decoding. The streaming link walk and the full decode
 * agree on whether a block is well formed; a malformed one is refused with
 * {@link MalformedBlockException}, never anything else.
 */
class DagCborFuzzTest {
    private static final Cid CBOR = Cid.of(Multicodec.DAG_CBOR, HashFunction.SHA2_256, new byte[0]);

    @FuzzTest(maxDuration = "5s")
    void links(byte[] data) {
        List<Cid> links;
        try {
            links = Links.of(CBOR, data);
        } catch (MalformedBlockException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertThat(links).doesNotContainNull();
        // What the link walk accepts, the decoder accepts too, but for the two checks the walk skips
        // (see DagCbor#forEachLink): text that is not UTF-8 and duplicate map keys.
        try {
            Object value = DagCbor.decode(data);
            assertThat(links).isEqualTo(DagCbor.links(data));
            assertThat(value instanceof Cid ? 1 : 0).isLessThanOrEqualTo(links.size());
        } catch (MalformedBlockException e) {
            assertThat(e.getMessage()).containsAnyOf("not valid UTF-8", "duplicate map key");
        }
    }
}
