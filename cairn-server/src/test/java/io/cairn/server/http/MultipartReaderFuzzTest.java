package io.cairn.server.http;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz target: the streaming multipart reader over an arbitrary body and boundary, read in
 * arbitrary chunk sizes. It yields parts or refuses with {@link MultipartException}; the part bytes
 * it yields never exceed the body; nothing else is thrown.
 */
class MultipartReaderFuzzTest {
    @FuzzTest(maxDuration = "5s")
    void read(FuzzedDataProvider in) throws IOException {
        String boundary = in.consumeAsciiString(in.consumeInt(1, 70));
        int chunk = in.consumeInt(1, 9000);
        byte[] body = in.consumeRemainingAsBytes();
        if (boundary.isEmpty()) {
            return;
        }
        MultipartReader reader;
        try {
            reader = new MultipartReader(new ByteArrayInputStream(body), boundary);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).contains("boundary");
            return;
        }
        long total = 0;
        byte[] buf = new byte[chunk];
        try {
            MultipartReader.Part part;
            while ((part = reader.next()) != null) {
                assertThat(part.headers()).isNotNull();
                InputStream p = part.body();
                int n;
                while ((n = p.read(buf, 0, buf.length)) >= 0) {
                    total += n;
                }
                assertThat(total).isLessThanOrEqualTo(body.length);
            }
        } catch (MultipartException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }
}
