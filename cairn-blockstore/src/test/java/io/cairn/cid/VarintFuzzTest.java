package io.cairn.cid;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz target: unsigned varints, from a buffer and from a stream. Both readers agree; a value read
 * re-encodes to the bytes it came from (varints are minimal); anything else is refused with
 * {@link InvalidCidException} (or, from a stream, an IOException at its end).
 */
class VarintFuzzTest {
    @FuzzTest(maxDuration = "5s")
    void read(byte[] data) throws IOException {
        long fromBuffer;
        int consumed;
        try {
            ByteBuffer buf = ByteBuffer.wrap(data);
            fromBuffer = Varint.read(buf);
            consumed = buf.position();
        } catch (InvalidCidException e) {
            long fromStream;
            try {
                fromStream = Varint.read(new ByteArrayInputStream(data));
            } catch (InvalidCidException expected) {
                return;
            }
            // The stream reader reports a clean end before any byte as -1; anything else is a disagreement.
            assertThat(fromStream).as("stream reader on what the buffer reader refused (%s)", e.getMessage()).isEqualTo(-1);
            assertThat(data).isEmpty();
            return;
        }
        assertThat(fromBuffer).isNotNegative();
        assertThat(Varint.read(new ByteArrayInputStream(data))).isEqualTo(fromBuffer);
        byte[] again = Varint.encode(fromBuffer);
        assertThat(again.length).isEqualTo(consumed).isEqualTo(Varint.size(fromBuffer));
        assertThat(ByteBuffer.wrap(again)).isEqualTo(ByteBuffer.wrap(data, 0, consumed));
    }
}
