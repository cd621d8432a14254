package io.cairn.car;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.ByteArrayInputStream;
import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz target: the CAR reader (v1 and v2) over arbitrary bytes. It yields sections or refuses with
 * {@link InvalidCarException}; it never reads past its input, never allocates beyond the section
 * limit, and never throws anything else.
 */
class CarReaderFuzzTest {
    private static final int MAX_SECTION = 64 * 1024;

    @FuzzTest(maxDuration = "5s")
    void read(byte[] data) throws IOException {
        try (CarReader reader = CarReader.open(new ByteArrayInputStream(data), MAX_SECTION)) {
            assertThat(reader.roots()).isNotNull();
            CarBlock block;
            long total = 0;
            while ((block = reader.next()) != null) {
                total += block.data().length + block.cid().encodedLength();
                assertThat(block.data().length).isLessThanOrEqualTo(MAX_SECTION);
            }
            assertThat(total).isLessThanOrEqualTo(data.length);
            assertThat(reader.bytesRead()).isLessThanOrEqualTo(data.length);
        } catch (InvalidCarException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }
}
