package io.cairn.cid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

class VarintTest {

    /** Encodings from the multiformats unsigned-varint specification's examples. */
    @ParameterizedTest
    @CsvSource({"1,01", "127,7f", "128,8001", "255,ff01", "300,ac02", "16384,808001",
            "9223372036854775807,ffffffffffffffff7f"})
    void specExamples(long value, String hex) throws IOException {
        byte[] bytes = HexFormat.of().parseHex(hex);
        assertThat(Varint.encode(value)).isEqualTo(bytes);
        assertThat(Varint.size(value)).isEqualTo(bytes.length);
        assertThat(Varint.read(ByteBuffer.wrap(bytes))).isEqualTo(value);
        assertThat(Varint.read(new ByteArrayInputStream(bytes))).isEqualTo(value);
    }

    @Property
    void roundTripsThroughBufferAndStream(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long value) throws IOException {
        byte[] dst = new byte[12];
        dst[0] = 0x55;
        int n = Varint.write(value, dst, 1);
        assertThat(n).isEqualTo(Varint.size(value)).isBetween(1, Varint.MAX_BYTES);
        ByteBuffer buf = ByteBuffer.wrap(dst, 1, n);
        assertThat(Varint.read(buf)).isEqualTo(value);
        assertThat(buf.position()).isEqualTo(1 + n);
        assertThat(Varint.read(new ByteArrayInputStream(dst, 1, n))).isEqualTo(value);
    }

    @Test
    void streamAtCleanEndReturnsMinusOne() throws IOException {
        assertThat(Varint.read(new ByteArrayInputStream(new byte[0]))).isEqualTo(-1);
    }

    @Test
    void rejectsTruncation() {
        assertThatThrownBy(() -> Varint.read(ByteBuffer.wrap(new byte[] {(byte) 0x80, (byte) 0x80})))
                .isInstanceOf(InvalidCidException.class).hasMessageContaining("truncated varint");
        assertThatThrownBy(() -> Varint.read(new ByteArrayInputStream(new byte[] {(byte) 0xff})))
                .isInstanceOf(InvalidCidException.class).hasMessageContaining("truncated varint");
        assertThatThrownBy(() -> Varint.read(ByteBuffer.allocate(0)))
                .isInstanceOf(InvalidCidException.class).hasMessageContaining("truncated varint");
    }

    @Test
    void rejectsNonMinimalAndOverlong() {
        assertThatThrownBy(() -> Varint.read(ByteBuffer.wrap(new byte[] {(byte) 0x81, 0x00})))
                .isInstanceOf(InvalidCidException.class).hasMessageContaining("non-minimal");
        byte[] ten = HexFormat.of().parseHex("80808080808080808001");
        assertThatThrownBy(() -> Varint.read(ByteBuffer.wrap(ten)))
                .isInstanceOf(InvalidCidException.class).hasMessageContaining("overlong");
        assertThatThrownBy(() -> Varint.read(new ByteArrayInputStream(ten)))
                .isInstanceOf(InvalidCidException.class).hasMessageContaining("overlong");
    }

    @Test
    void refusesNegativeValues() {
        assertThatThrownBy(() -> Varint.encode(-1))
                .isInstanceOf(InvalidCidException.class).hasMessageContaining("18446744073709551615");
    }
}
