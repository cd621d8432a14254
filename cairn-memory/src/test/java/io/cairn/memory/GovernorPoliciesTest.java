package io.cairn.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The pure pieces split out of the governor: auto-GC policy, rise confirmation, the kernel-file parser. */
class GovernorPoliciesTest {
    private static final long S = 1_000_000_000L;
    private static final long MB = 1L << 20;

    @Test
    void aBurstFromAnExactReadingExplainsARiseButCreepAndLargeFillsDoNot() {
        BaselineBurst b = new BaselineBurst(13 * MB, 51 * MB, S / 2);
        // No exact reading yet: nothing is a burst.
        b.minor(190 * MB, 0);
        assertThat(b.explains(190 * MB, 0)).isFalse();
        // A full collection at 166 MB, young readings within the calm band, then a jump.
        b.major(166 * MB);
        b.minor(171 * MB, S);
        assertThat(b.explains(171 * MB, S)).as("a calm reading is no burst").isFalse();
        b.minor(201 * MB, 2 * S);
        assertThat(b.explains(201 * MB, 2 * S + S / 10)).isTrue();
        // The same reading once the window has passed, or one beyond the limit, is not.
        assertThat(b.explains(201 * MB, 2 * S + S)).isFalse();
        assertThat(b.explains(218 * MB, 2 * S + S / 10)).isFalse();
        // Creep: readings that stay above the calm band keep the burst's start, so a later rise is too late.
        b.major(166 * MB);
        b.minor(181 * MB, 10 * S);
        b.minor(186 * MB, 11 * S);
        b.minor(193 * MB, 12 * S);
        assertThat(b.explains(193 * MB, 12 * S)).isFalse();
        // Back in the band, the next jump starts a new burst.
        b.minor(170 * MB, 13 * S);
        b.minor(199 * MB, 14 * S);
        assertThat(b.explains(199 * MB, 14 * S)).isTrue();
        // A fill read only by young collections after a full one at 6 MB is far beyond the limit.
        b.major(6 * MB);
        b.minor(109 * MB, 20 * S);
        b.minor(193 * MB, 20 * S + S / 20);
        assertThat(b.explains(193 * MB, 20 * S + S / 20)).isFalse();
        // A concurrent cycle leaves no exact reading.
        b.major(166 * MB);
        b.concurrent();
        b.minor(199 * MB, 30 * S);
        assertThat(b.explains(199 * MB, 30 * S)).isFalse();
        assertThat(b.baseline()).isEqualTo(-1);
    }

    @Test
    void autoGcCollectsOnARiseAndSettlesAfterwards() {
        AutoGcPolicy p = new AutoGcPolicy(PressureLevel.MEDIUM, 5 * S);
        assertThat(p.decide(PressureLevel.LOW, PressureLevel.MEDIUM, 10 * S, true, 9 * S, 0))
                .isEqualTo(AutoGcPolicy.Decision.COLLECT);
        // Held at MEDIUM, a collection a second ago: nothing.
        assertThat(p.decide(PressureLevel.MEDIUM, PressureLevel.MEDIUM, 11 * S, true, 10 * S, 0))
                .isEqualTo(AutoGcPolicy.Decision.NOTHING);
        // A rise measured by a major collection that just ended needs no second one.
        assertThat(p.decide(PressureLevel.MEDIUM, PressureLevel.HIGH, 12 * S, true, 12 * S, 12 * S))
                .isEqualTo(AutoGcPolicy.Decision.NOTHING);
        // Eased to LOW with a stale reading: settle, three times at most.
        for (int i = 0; i < AutoGcPolicy.SETTLE_COLLECTIONS; i++) {
            assertThat(p.decide(PressureLevel.LOW, PressureLevel.LOW, (30 + 10 * i) * S, true, 0, 0))
                    .isEqualTo(AutoGcPolicy.Decision.SETTLE);
            p.settleStarted();
        }
        assertThat(p.decide(PressureLevel.LOW, PressureLevel.LOW, 90 * S, true, 0, 0))
                .isEqualTo(AutoGcPolicy.Decision.NOTHING);
        assertThat(new AutoGcPolicy(null, 5 * S).decide(PressureLevel.NONE, PressureLevel.CRITICAL, 0, false, 0, 0))
                .isEqualTo(AutoGcPolicy.Decision.NOTHING);
    }

    @Test
    void anUnconfirmedRiseIsHeldUntilAMajorCollectionAndNotAskedAgainUntilItGrows() {
        RiseConfirmation c = new RiseConfirmation(0.025, 5 * S);
        assertThat(c.judge(PressureLevel.MEDIUM, true, 0.76, 0)).isEqualTo(RiseConfirmation.Verdict.HOLD_AND_COLLECT);
        assertThat(c.judge(PressureLevel.MEDIUM, true, 0.77, S / 10)).isEqualTo(RiseConfirmation.Verdict.HOLD);
        c.majorCollection(S / 5);
        // The major collection's reading did not rise (the caller feeds it as confirmed-not-rising); the
        // same minor estimate later does not ask again ...
        assertThat(c.judge(PressureLevel.MEDIUM, true, 0.765, S / 2)).isEqualTo(RiseConfirmation.Verdict.HOLD);
        // ... until it has grown past the refuted one,
        assertThat(c.judge(PressureLevel.MEDIUM, true, 0.79, S)).isEqualTo(RiseConfirmation.Verdict.HOLD_AND_COLLECT);
        // and CRITICAL or a confirmed reading is never held.
        assertThat(c.judge(PressureLevel.CRITICAL, true, 0.99, S)).isEqualTo(RiseConfirmation.Verdict.ACCEPT);
        assertThat(c.judge(PressureLevel.HIGH, false, 0.9, S)).isEqualTo(RiseConfirmation.Verdict.ACCEPT);
    }

    @Test
    void keyValueFilesAreParsedInPlace() {
        byte[] stat = ("cache 12386304\nrss 9900032\ntotal_rss 899899392\ntotal_shmem 9797632\n"
                + "total_rss_huge 0\n").getBytes(StandardCharsets.ISO_8859_1);
        long[] out = new long[3];
        KeyValueFile.parse(stat, stat.length, new byte[][] {bytes("total_rss"), bytes("total_shmem"), bytes("anon")}, out);
        assertThat(out).containsExactly(899899392L, 9797632L, 0L);
        byte[] status = "Name:\tjava\nVmRSS:\t  1960 kB\nRssAnon:\t     152 kB\n".getBytes(StandardCharsets.ISO_8859_1);
        long[] rss = {-1};
        KeyValueFile.parse(status, status.length, new byte[][] {bytes("RssAnon:")}, rss);
        assertThat(rss[0]).isEqualTo(152 * 1024L);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
