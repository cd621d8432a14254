package io.cairn.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.blockstore.Block;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Defect 2 of issue 10: 150 slow readers of one 4 MiB block each had the file mapped while their
 * response crawled out; the mapped views counted as used memory, the level went CRITICAL, and every
 * block/put was refused for as long as they read. Mapped pages are file-backed and reclaimable, so
 * they are reported apart and never count as pressure: writes must go on being accepted.
 */
class SlowReadersDoNotBlockWritesTest {
    private static final int READERS = 150;
    private static final int BLOCK = 4 << 20;

    @TempDir
    Path data;

    @Test
    void slowReadersOfALargeBlockNeverCauseARefusedWrite() throws Exception {
        // A 256 MiB heap: the derived budget is 512 MiB, less than 150 mapped views of 4 MiB.
        try (ChildServer child = new ChildServer(data, List.of("-Xmx256m", "-XX:+ExitOnOutOfMemoryError"))) {
            byte[] big = new byte[BLOCK];
            new Random(10).nextBytes(big);
            HttpResponse<byte[]> stored = TestHttp.put(child.api, big, "allow-big-block=true");
            assertThat(stored.statusCode()).as(TestHttp.text(stored)).isEqualTo(200);
            String cid = TestHttp.json(stored).get("Key").asText();
            List<Socket> readers = new ArrayList<>();
            try {
                for (int i = 0; i < READERS; i++) {
                    readers.add(slowReader(child, cid));
                }
                // Each reader has taken a little and then stopped reading: its response is parked mid-body.
                Thread.sleep(1500);
                long mappedSeen = 0;
                List<Integer> statuses = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    byte[] small = ("small block " + i + " " + System.nanoTime()).getBytes(StandardCharsets.UTF_8);
                    HttpResponse<byte[]> r = TestHttp.put(child.api, small, "");
                    statuses.add(r.statusCode());
                    JsonNode mem = TestHttp.json(TestHttp.get(child.api, "/debug/memory"));
                    if (mem.has("mappedBufferBytes")) {
                        mappedSeen = Math.max(mappedSeen, mem.get("mappedBufferBytes").asLong());
                    }
                    Thread.sleep(200);
                }
                JsonNode health = TestHttp.json(TestHttp.get(child.api, "/health"));
                System.out.printf("slow readers: %d readers, largest mapped figure seen %d MiB, put statuses %s, health %s%n",
                        READERS, mappedSeen >> 20, statuses, health);
                assertThat(statuses).as("block/put while %d slow readers hold the block", READERS).containsOnly(200);
                assertThat(health.get("degradationLevel").asInt()).isLessThan(4);
            } finally {
                for (Socket s : readers) {
                    s.close();
                }
            }
            assertThat(child.stderrText()).doesNotContain("OutOfMemoryError");
            assertThat(child.process.isAlive()).isTrue();
        }
    }

    /** Asks for the block, reads its first kilobyte, then stops reading (a small receive buffer). */
    private static Socket slowReader(ChildServer child, String cid) throws Exception {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096);
        s.connect(new InetSocketAddress(child.gateway.getHost(), child.gateway.getPort()), 5000);
        s.setSoTimeout(10_000);
        OutputStream out = s.getOutputStream();
        out.write(("GET /ipfs/" + cid + "?format=raw HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        byte[] buf = new byte[1024];
        int got = in.read(buf);
        assertThat(got).as("the gateway started answering").isPositive();
        assertThat(new String(buf, 0, Math.min(got, 12), StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 200");
        return s;
    }
}
