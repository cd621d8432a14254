package io.cairn.server.http;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz target: the Range header parser over any header and body length. The answer is "whole
 * body" (null), unsatisfiable, or a range inside the body; it never throws.
 */
class RangesFuzzTest {
    @FuzzTest(maxDuration = "5s")
    void parse(FuzzedDataProvider in) {
        long length = in.consumeLong(0, 1L << 40);
        String header = in.consumeRemainingAsString();
        long[] range = Ranges.parse(header, length);
        if (range == null || range == Ranges.UNSATISFIABLE) {
            return;
        }
        assertThat(range).hasSize(2);
        assertThat(range[0]).isBetween(0L, length - 1);
        assertThat(range[1]).isBetween(range[0], length - 1);
    }
}
