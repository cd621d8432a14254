package io.cairn.cid;

import com.code_intelligence.jazzer.junit.FuzzTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz target: CID text parsing. Any string either parses — and then prints, re-parses and
 * round-trips through binary to the same CID — or is refused with {@link InvalidCidException};
 * any other exception is a finding. Regression inputs: {@code CidFuzzTestInputs/} beside this class
 * in the test resources; see docs/BENCHMARKS.md, "Fuzzing".
 */
class CidFuzzTest {
    @FuzzTest(maxDuration = "5s")
    void parse(String text) {
        Cid cid;
        try {
            cid = Cid.parseAny(text);
        } catch (InvalidCidException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertThat(Cid.decode(cid.toBytes())).isEqualTo(cid);
        assertThat(Cid.parseAny(cid.toString())).isEqualTo(cid);
        try {
            assertThat(Cid.parse(text)).isEqualTo(cid);
        } catch (InvalidCidException e) {
            // refused by CidPolicy only: the same text parsed without it
            assertThat(e.getMessage()).isNotBlank();
        }
    }
}
