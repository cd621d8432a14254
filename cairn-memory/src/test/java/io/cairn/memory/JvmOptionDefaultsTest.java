package io.cairn.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class JvmOptionDefaultsTest {
    @Test
    void zgcWithoutADelayGetsTheShortOne() {
        assertEquals(List.of("-XX:ZUncommitDelay=5"), JvmOptionDefaults.forOptions(List.of("-Xmx256m", "-XX:+UseZGC")));
    }

    @Test
    void theUsersChoiceStands() {
        assertEquals(List.of(), JvmOptionDefaults.forOptions(List.of("-XX:+UseZGC", "-XX:ZUncommitDelay=60")));
        assertEquals(List.of(), JvmOptionDefaults.forOptions(List.of("-XX:+UseG1GC")));
        assertEquals(List.of(), JvmOptionDefaults.forOptions(List.of()));
        // the last collector chosen wins, as in the JVM
        assertEquals(List.of(), JvmOptionDefaults.forOptions(List.of("-XX:+UseZGC", "-XX:+UseG1GC")));
        assertEquals(List.of(), JvmOptionDefaults.forOptions(List.of("-XX:+UseZGC", "-XX:-UseZGC")));
        assertEquals(List.of("-XX:ZUncommitDelay=5"),
                JvmOptionDefaults.forOptions(List.of("-XX:+UseParallelGC", "-XX:+UseZGC")));
    }

    @Test
    void warnsOnlyForZgcWithTheDefaultDelayInAContainer() {
        String w = JvmOptionDefaults.zgcUncommitWarning(true, true, 320L << 20);
        assertNotNull(w);
        assertTrue(w.contains("-XX:ZUncommitDelay=5"), w);
        assertNull(JvmOptionDefaults.zgcUncommitWarning(false, true, 320L << 20));
        assertNull(JvmOptionDefaults.zgcUncommitWarning(true, false, 320L << 20));
        assertNull(JvmOptionDefaults.zgcUncommitWarning(true, true, -1));
    }
}
