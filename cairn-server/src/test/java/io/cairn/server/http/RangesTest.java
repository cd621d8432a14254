package io.cairn.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RangesTest {

    @Test
    void satisfiableRanges() {
        assertThat(Ranges.parse("bytes=0-9", 100)).containsExactly(0, 9);
        assertThat(Ranges.parse("bytes=90-", 100)).containsExactly(90, 99);
        assertThat(Ranges.parse("bytes=90-500", 100)).containsExactly(90, 99);
        assertThat(Ranges.parse("bytes=-10", 100)).containsExactly(90, 99);
        assertThat(Ranges.parse("bytes=-500", 100)).containsExactly(0, 99);
    }

    @Test
    void rangesStartingAtOrPastTheEndAreUnsatisfiable() {
        assertThat(Ranges.parse("bytes=100-", 100)).isSameAs(Ranges.UNSATISFIABLE);
        assertThat(Ranges.parse("bytes=150-", 100)).isSameAs(Ranges.UNSATISFIABLE);
        assertThat(Ranges.parse("bytes=100-120", 100)).isSameAs(Ranges.UNSATISFIABLE);
        assertThat(Ranges.parse("bytes=0-", 0)).isSameAs(Ranges.UNSATISFIABLE);
        assertThat(Ranges.parse("bytes=-0", 100)).isSameAs(Ranges.UNSATISFIABLE);
    }

    @Test
    void malformedOrMultipleRangesAreIgnored() {
        assertThat(Ranges.parse(null, 100)).isNull();
        assertThat(Ranges.parse("items=0-1", 100)).isNull();
        assertThat(Ranges.parse("bytes=0-1,5-6", 100)).isNull();
        assertThat(Ranges.parse("bytes=9-3", 100)).isNull();
        assertThat(Ranges.parse("bytes=a-b", 100)).isNull();
        assertThat(Ranges.parse("bytes=-", 100)).isNull();
    }
}
