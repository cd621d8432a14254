package io.cairn.cid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Locale;

import org.junit.jupiter.api.Test;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class MultibaseTest {

    @Provide
    Arbitrary<byte[]> data() {
        // Leading zero bytes are the classic base-x bug, so make them common.
        Arbitrary<byte[]> zeros = Arbitraries.integers().between(0, 3).map(byte[]::new);
        Arbitrary<byte[]> tail = Arbitraries.bytes().array(byte[].class).ofMaxSize(80);
        return net.jqwik.api.Combinators.combine(zeros, tail).as((z, t) -> {
            byte[] out = new byte[z.length + t.length];
            System.arraycopy(t, 0, out, z.length, t.length);
            return out;
        });
    }

    @Property
    void everyBaseRoundTrips(@ForAll Multibase base, @ForAll("data") byte[] data) {
        String text = base.encode(data);
        assertThat(text.charAt(0)).isEqualTo(base.prefix());
        assertThat(Multibase.decode(text)).isEqualTo(data);
        assertThat(base.decodeRaw(base.encodeRaw(data))).isEqualTo(data);
    }

    @Property
    void caseInsensitiveBasesDecodeEitherCase(@ForAll("data") byte[] data) {
        for (Multibase base : new Multibase[] {Multibase.BASE16, Multibase.BASE32, Multibase.BASE32HEXPAD,
                Multibase.BASE36, Multibase.BASE32PADUPPER}) {
            String raw = base.encodeRaw(data);
            assertThat(base.decodeRaw(raw.toUpperCase(Locale.ROOT))).isEqualTo(data);
            assertThat(base.decodeRaw(raw.toLowerCase(Locale.ROOT))).isEqualTo(data);
        }
    }

    @Test
    void emptyDataEncodesToThePrefixAlone() {
        for (Multibase base : Multibase.values()) {
            assertThat(base.encode(new byte[0])).isEqualTo(String.valueOf(base.prefix()));
            assertThat(Multibase.decode(String.valueOf(base.prefix()))).isEmpty();
        }
    }

    @Test
    void unknownOrMissingPrefix() {
        assertThatThrownBy(() -> Multibase.decode("xabc"))
                .isInstanceOf(InvalidCidException.class)
                .hasMessageContaining("unknown or unsupported multibase prefix 'x'").hasMessageContaining("'xabc'");
        assertThatThrownBy(() -> Multibase.decode(""))
                .isInstanceOf(InvalidCidException.class).hasMessageContaining("empty multibase");
        assertThatThrownBy(() -> Multibase.forPrefix('!'))
                .isInstanceOf(InvalidCidException.class).hasMessageContaining("'!'");
        assertThatThrownBy(() -> Multibase.byName("base99"))
                .isInstanceOf(InvalidCidException.class).hasMessageContaining("'base99'");
    }

    @Test
    void characterOutsideTheAlphabetIsNamedWithItsPosition() {
        assertThatThrownBy(() -> Multibase.decode("z3mJr0"))
                .isInstanceOf(InvalidCidException.class)
                .hasMessageContaining("base58btc").hasMessageContaining("'z3mJr0'")
                .hasMessageContaining("character '0' at position 5 is outside the alphabet");
        assertThatThrownBy(() -> Multibase.decode("fzz"))
                .isInstanceOf(InvalidCidException.class).hasMessageContaining("character 'z' at position 1");
        assertThatThrownBy(() -> Multibase.decode("bab cd"))
                .isInstanceOf(InvalidCidException.class).hasMessageContaining("U+0020");
        assertThatThrownBy(() -> Multibase.decode("mAB\u00e9"))
                .isInstanceOf(InvalidCidException.class).hasMessageContaining("outside the alphabet");
        assertThatThrownBy(() -> Multibase.BASE64.decodeRaw("AB-_"))
                .isInstanceOf(InvalidCidException.class).hasMessageContaining("character '-'");
    }

    @Test
    void badPadding() {
        assertThatThrownBy(() -> Multibase.decode("MeWVzIG1hbmkgIQ="))
                .isInstanceOf(InvalidCidException.class).hasMessageContaining("bad padding");
        assertThatThrownBy(() -> Multibase.decode("cnbswy3dpeb3w64tmmq"))
                .isInstanceOf(InvalidCidException.class).hasMessageContaining("bad padding");
        assertThatThrownBy(() -> Multibase.decode("meWVzIG1hbmkgIQ=="))
                .isInstanceOf(InvalidCidException.class).hasMessageContaining("unpadded");
        assertThatThrownBy(() -> Multibase.decode("Me=VzIG1hbmkgIQ=="))
                .isInstanceOf(InvalidCidException.class).hasMessageContaining("before the end");
    }

    @Test
    void impossibleLengthsAndNonCanonicalBits() {
        assertThatThrownBy(() -> Multibase.decode("f123"))
                .isInstanceOf(InvalidCidException.class).hasMessageContaining("impossible length");
        assertThatThrownBy(() -> Multibase.decode("bmfrgg2"))   // 6 base32 chars cannot end a byte run
                .isInstanceOf(InvalidCidException.class).hasMessageContaining("impossible length");
        assertThatThrownBy(() -> Multibase.decode("mQ"))
                .isInstanceOf(InvalidCidException.class).hasMessageContaining("impossible length");
        // "mQR" would be 0x41 plus four stray 1-bits
        assertThatThrownBy(() -> Multibase.decode("mQR"))
                .isInstanceOf(InvalidCidException.class).hasMessageContaining("non-zero trailing bits");
    }

    @Test
    void hugeBigNumberInputIsRefusedNotComputed() {
        String huge = "z" + "2".repeat(100_000);
        assertThatThrownBy(() -> Multibase.decode(huge))
                .isInstanceOf(InvalidCidException.class).hasMessageContaining("limit")
                .hasMessageContaining("100001 chars");
    }
}
