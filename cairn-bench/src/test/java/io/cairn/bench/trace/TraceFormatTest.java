package io.cairn.bench.trace;

import com.github.luben.zstd.ZstdOutputStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TraceFormatTest {

    @TempDir
    Path dir;

    enum Packing { PLAIN, GZIP, XZ, ZSTD }

    private Path write(String name, byte[] content, Packing packing) throws IOException {
        Path f = dir.resolve(name);
        try (OutputStream raw = Files.newOutputStream(f);
             OutputStream out = switch (packing) {
                 case PLAIN -> raw;
                 case GZIP -> new GZIPOutputStream(raw);
                 case XZ -> new XZOutputStream(raw, new LZMA2Options());
                 case ZSTD -> new ZstdOutputStream(raw);
             }) {
            out.write(content);
        }
        return f;
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @EnumSource(Packing.class)
    void lirsSkipsStarsAndBlankLinesAndAcceptsCrlf(Packing packing) throws IOException {
        Path f = write("t", text("5\r\n*\r\n\r\n7\r\n  5 \r\n-3\n"), packing);
        assertThat(Compression.detect(f).name()).isEqualTo(packing == Packing.PLAIN ? "NONE" : packing.name());
        assertThat(Trace.load(f, TraceFormat.LIRS).keys()).containsExactly(5, 7, 5, -3);
    }

    @ParameterizedTest
    @EnumSource(Packing.class)
    void addressTakesTheHexAddress(Packing packing) throws IOException {
        Path f = write("t", text("s 0x1fffff50 1\nl 0xFFFFFFFFFFFFFFFF 6\nl 0x10 2\n"), packing);
        assertThat(Trace.load(f, TraceFormat.ADDRESS).keys()).containsExactly(0x1fffff50L, -1L, 16L);
    }

    @ParameterizedTest
    @EnumSource(Packing.class)
    void arcExpandsRuns(Packing packing) throws IOException {
        Path f = write("t", text("100 3 0 1\n7 1 0 0\n50 0 0 0\n"), packing);
        assertThat(Trace.load(f, TraceFormat.ARC).keys()).containsExactly(100, 101, 102, 7);
    }

    @ParameterizedTest
    @EnumSource(Packing.class)
    void cache2kIsSignedBigEndianInt32(Packing packing) throws IOException {
        Path f = write("t", ints(1, -2, 0x01020304), packing);
        assertThat(Trace.load(f, TraceFormat.CACHE2K).keys()).containsExactly(1L, -2L, 0x01020304L);
    }

    @ParameterizedTest
    @EnumSource(Packing.class)
    void cloudPhysicsIsUnsignedBigEndianInt32(Packing packing) throws IOException {
        Path f = write("t", ints(1, -2), packing);
        assertThat(Trace.load(f, TraceFormat.CLOUD_PHYSICS).keys()).containsExactly(1L, 0xffff_fffeL);
    }

    @ParameterizedTest
    @EnumSource(Packing.class)
    void int64IsBigEndianLong(Packing packing) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream d = new DataOutputStream(bytes)) {
            d.writeLong(0x391c8ee0c57542c7L);
            d.writeLong(-5L);
        }
        Path f = write("t", bytes.toByteArray(), packing);
        assertThat(Trace.load(f, TraceFormat.INT64).keys()).containsExactly(0x391c8ee0c57542c7L, -5L);
    }

    @ParameterizedTest
    @EnumSource(Packing.class)
    void keysKeepIntegersAndHashEverythingElseConsistently(Packing packing) throws IOException {
        Path f = write("t", text("42\nbafkreiabc\nhello world\nbafkreiabc\n99999999999999999999999\n"), packing);
        long[] k = Trace.load(f, TraceFormat.KEYS).keys();
        assertThat(k).hasSize(5);
        assertThat(k[0]).isEqualTo(42);
        assertThat(k[1]).isEqualTo(k[3]).isNotEqualTo(k[2]);
        assertThat(k[4]).isNotEqualTo(k[0]);
    }

    @ParameterizedTest
    @EnumSource(Packing.class)
    void adaptSizeTakesTheIdColumn(Packing packing) throws IOException {
        Path f = write("t", text("1 0 68\n2 1 7454\n3 0 68\n"), packing);
        assertThat(Trace.load(f, TraceFormat.ADAPT_SIZE).keys()).containsExactly(0, 1, 0);
    }

    @Test
    void aBadTextLineIsReportedWithFileAndLineNumber() throws IOException {
        Path f = write("bad.trace", text("1\n2\nthree\n"), Packing.GZIP);
        assertThatThrownBy(() -> Trace.load(f, TraceFormat.LIRS))
                .isInstanceOf(TraceFormatException.class)
                .hasMessageContaining("bad.trace line 3")
                .hasMessageContaining("'three'");
    }

    @Test
    void aTruncatedBinaryRecordIsReported() throws IOException {
        byte[] five = {0, 0, 0, 1, 9};
        Path f = write("short.bin", five, Packing.XZ);
        assertThatThrownBy(() -> Trace.load(f, TraceFormat.CACHE2K))
                .isInstanceOf(TraceFormatException.class)
                .hasMessageContaining("short.bin")
                .hasMessageContaining("1 stray bytes");
    }

    @Test
    void anEmptyTraceIsAnError() throws IOException {
        Path f = write("empty", text("*\n\n"), Packing.PLAIN);
        assertThatThrownBy(() -> Trace.load(f, TraceFormat.LIRS)).hasMessageContaining("no keys");
    }

    @Test
    void unknownFormatNamesTheKnownOnes() {
        assertThatThrownBy(() -> TraceFormat.byName("csv"))
                .hasMessageContaining("unknown trace format 'csv'")
                .hasMessageContaining("cloud_physics");
        assertThat(TraceFormat.byName("Cloud-Physics")).isEqualTo(TraceFormat.CLOUD_PHYSICS);
    }

    @Test
    void namesAndFormatsFollowTheCollectionsNaming() {
        assertThat(TraceNames.traceName(Path.of("x/corda_trace_vaultservice.gz"))).isEqualTo("corda_vaultservice");
        assertThat(TraceNames.traceName(Path.of("cache2k_orm-busy.trace.xz"))).isEqualTo("cache2k_orm-busy");
        assertThat(TraceNames.formatOf(Path.of("lirs_loop.trace.gz"))).contains(TraceFormat.LIRS);
        assertThat(TraceNames.formatOf(Path.of("corda_trace_vaultservice.gz"))).contains(TraceFormat.INT64);
        assertThat(TraceNames.formatOf(Path.of("README.md"))).isEmpty();
    }

    private static byte[] ints(int... values) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream d = new DataOutputStream(bytes)) {
            for (int v : values) {
                d.writeInt(v);
            }
        }
        return bytes.toByteArray();
    }
}
