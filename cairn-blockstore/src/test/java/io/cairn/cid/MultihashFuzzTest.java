package io.cairn.cid;

import com.code_intelligence.jazzer.junit.FuzzTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz target: binary multihash decoding (and binary CIDs, which wrap one). What decodes
 * re-encodes to the same bytes; what does not is refused with {@link InvalidCidException}.
 */
class MultihashFuzzTest {
    @FuzzTest(maxDuration = "5s")
    void decode(byte[] data) {
        try {
            Multihash mh = Multihash.decode(data);
            assertThat(mh.toBytes()).isEqualTo(data);
            assertThat(mh.digestLength()).isLessThanOrEqualTo(data.length);
            mh.toString();
        } catch (InvalidCidException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
        try {
            Cid cid = Cid.decode(data);
            assertThat(cid.toBytes()).isEqualTo(data);
            assertThat(Cid.parseAny(cid.toString())).isEqualTo(cid);
        } catch (InvalidCidException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }
}
