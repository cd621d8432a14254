package io.cairn.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManualMemoryGovernorTest {

    @Test
    void levelChangesReachListenersInOrderBeforeSetLevelReturns() {
        ManualMemoryGovernor g = new ManualMemoryGovernor(1000);
        List<String> seen = new ArrayList<>();
        g.addListener((p, c, s) -> seen.add("a:" + p + ">" + c));
        MemoryGovernor.Registration b = g.addListener((p, c, s) -> seen.add("b:" + c + "@" + s.level()));
        g.setLevel(PressureLevel.HIGH);
        g.setLevel(PressureLevel.HIGH);
        b.close();
        g.setLevel(PressureLevel.NONE);
        assertThat(seen).containsExactly("a:NONE>HIGH", "b:HIGH@HIGH", "a:HIGH>NONE");
    }

    @Test
    void reservationsPastNinetyFivePercentAreRefusedAndReleasedOnce() {
        ManualMemoryGovernor g = new ManualMemoryGovernor(1000);
        g.setUsed(500);
        MemoryGovernor.Reservation r = g.tryReserve(400);
        assertThat(g.stats().usedBytes()).isEqualTo(900);
        assertThatThrownBy(() -> g.tryReserve(51))
                .isInstanceOfSatisfying(MemoryPressureException.class, e -> {
                    assertThat(e.requestedBytes()).isEqualTo(51);
                    assertThat(e.usedBytes()).isEqualTo(900);
                    assertThat(e.budgetBytes()).isEqualTo(1000);
                });
        r.release();
        r.release();
        assertThat(g.reservedBytes()).isZero();
        assertThatThrownBy(() -> new ManualMemoryGovernor(0)).hasMessageContaining("budgetBytes");
    }
}
