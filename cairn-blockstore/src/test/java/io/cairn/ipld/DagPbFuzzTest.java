package io.cairn.ipld;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.cairn.cid.Cid;
import io.cairn.cid.HashFunction;
import io.cairn.cid.Multicodec;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz target: dag-pb link extraction ({@link Links#of} on a dag-pb CID). Links come out, or the
 * block is refused with {@link MalformedBlockException}; nothing else.
 */
class DagPbFuzzTest {
    private static final Cid PB = Cid.of(Multicodec.DAG_PB, HashFunction.SHA2_256, new byte[0]);

    @FuzzTest(maxDuration = "5s")
    void links(byte[] data) {
        try {
            List<Cid> links = Links.of(PB, data);
            assertThat(links).doesNotContainNull();
            assertThat(links.size()).isLessThanOrEqualTo(data.length / 2 + 1);
        } catch (MalformedBlockException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }
}
