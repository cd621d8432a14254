package io.cairn.cid;

import com.code_intelligence.jazzer.junit.FuzzTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz target: multibase decoding. A string either decodes — and re-encoding the bytes in the same
 * base decodes to them again — or is refused with {@link InvalidCidException}.
 */
class MultibaseFuzzTest {
    @FuzzTest(maxDuration = "5s")
    void decode(String text) {
        byte[] bytes;
        try {
            bytes = Multibase.decode(text);
        } catch (InvalidCidException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        Multibase base = Multibase.forPrefix(text.charAt(0));
        assertThat(Multibase.decode(base.encode(bytes))).isEqualTo(bytes);
    }
}
