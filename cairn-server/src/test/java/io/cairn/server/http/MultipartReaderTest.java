package io.cairn.server.http;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MultipartReaderTest {

    static byte[] body(String boundary, String preamble, List<byte[]> parts, List<String> names) {
        var out = new java.io.ByteArrayOutputStream();
        out.writeBytes(preamble.getBytes(StandardCharsets.ISO_8859_1));
        for (int i = 0; i < parts.size(); i++) {
            out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + names.get(i)
                    + "\"\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.writeBytes(parts.get(i));
            out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        out.writeBytes(("--" + boundary + "--\r\nepilogue").getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }

    /** Hands out at most {@code chunk} bytes per read, to cross every buffer edge. */
    static InputStream chunked(byte[] data, int chunk) {
        return new FilterInputStream(new ByteArrayInputStream(data)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, chunk));
            }
        };
    }

    static List<byte[]> readAll(MultipartReader r, List<String> names) throws IOException {
        List<byte[]> out = new ArrayList<>();
        MultipartReader.Part p;
        while ((p = r.next()) != null) {
            names.add(p.name());
            out.add(p.body().readAllBytes());
        }
        return out;
    }

    @Test
    void readsSeveralPartsWithAnyNameIgnoringPreambleAndEpilogue() throws IOException {
        byte[] a = "first".getBytes();
        byte[] b = "second part\r\n--not-the-boundary\r\n".getBytes();
        byte[] body = body("XyZ", "preamble text\r\n", List.of(a, b, new byte[0]), List.of("file", "data", "x"));
        List<String> names = new ArrayList<>();
        List<byte[]> parts = readAll(new MultipartReader(new ByteArrayInputStream(body), "XyZ"), names);
        assertThat(names).containsExactly("file", "data", "x");
        assertThat(parts).hasSize(3);
        assertThat(parts.get(0)).isEqualTo(a);
        assertThat(parts.get(1)).isEqualTo(b);
        assertThat(parts.get(2)).isEmpty();
    }

    @Property(tries = 60)
    void anyBytesSurviveAnyChunking(@ForAll @Size(max = 4) List<@Size(max = 200_000) byte[]> parts,
                                    @ForAll @IntRange(min = 1, max = 70_000) int chunk) throws IOException {
        List<String> names = parts.stream().map(p -> "p").toList();
        byte[] body = body("boundary-123", "", parts, names);
        List<byte[]> got = readAll(new MultipartReader(chunked(body, chunk), "boundary-123"), new ArrayList<>());
        assertThat(got).hasSize(parts.size());
        for (int i = 0; i < parts.size(); i++) {
            assertThat(got.get(i)).isEqualTo(parts.get(i));
        }
    }

    @Test
    void unreadPartsAreSkipped() throws IOException {
        byte[] body = body("b", "", List.of(new byte[100_000], "tail".getBytes()), List.of("a", "b"));
        MultipartReader r = new MultipartReader(chunked(body, 1000), "b");
        r.next();
        assertThat(r.next().body().readAllBytes()).isEqualTo("tail".getBytes());
        assertThat(r.next()).isNull();
    }

    @Test
    void malformedBodiesFailWithAReason() {
        assertThatThrownBy(() -> new MultipartReader(new ByteArrayInputStream("no boundary here".getBytes()), "b").next())
                .isInstanceOf(MultipartException.class).hasMessageContaining("no boundary");
        byte[] truncated = "--b\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nabc".getBytes();
        assertThatThrownBy(() -> {
            MultipartReader r = new MultipartReader(new ByteArrayInputStream(truncated), "b");
            r.next().body().readAllBytes();
        }).isInstanceOf(MultipartException.class).hasMessageContaining("no closing boundary");
        byte[] hugeHeader = ("--b\r\nX: " + "y".repeat(20_000) + "\r\n\r\n").getBytes();
        assertThatThrownBy(() -> new MultipartReader(new ByteArrayInputStream(hugeHeader), "b").next())
                .isInstanceOf(MultipartException.class).hasMessageContaining("exceed");
    }

    @Test
    void boundaryComesFromTheContentType() {
        assertThat(MultipartReader.boundaryOf("multipart/form-data; boundary=abc")).isEqualTo("abc");
        assertThat(MultipartReader.boundaryOf("multipart/form-data; charset=utf-8; boundary=\"q r\"")).isEqualTo("q r");
        assertThat(MultipartReader.boundaryOf("application/json")).isNull();
        assertThat(MultipartReader.boundaryOf("multipart/form-data")).isNull();
    }
}
