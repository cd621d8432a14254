package io.cairn.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cairn.blockstore.MemoryBlockstore;
import io.cairn.memory.ManualMemoryGovernor;
import io.cairn.memory.PressureLevel;
import io.cairn.server.config.ConfigResolver;
import io.cairn.server.config.Setting;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 10: a write refused because the level is CRITICAL goes through the governor's refusal, which
 * names the binding limit and its figures, like every other refusal. Failed before the fix:
 * {@code RpcHandler} built its own exception ("memory pressure CRITICAL (… of … bytes in use)"), which
 * named the budget whatever limit bound.
 */
class CriticalWriteRefusalTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Server server;
    private URI base;
    private ManualMemoryGovernor governor;
    private Path dir;

    @BeforeEach
    void start() throws Exception {
        dir = Files.createTempDirectory("cairn-refusal");
        Map<Setting, String> flags = new EnumMap<>(Setting.class);
        flags.put(Setting.DATA, dir.toString());
        governor = new ManualMemoryGovernor(1000L << 20);
        governor.setUsed(990L << 20);
        governor.setLevel(PressureLevel.CRITICAL);
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new RpcHandler(new MemoryBlockstore(), governor,
                new ConfigResolver(Map.of()).resolve(flags, null), "test", null, null));
        server.start();
        base = URI.create("http://127.0.0.1:" + connector.getLocalPort());
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
        governor.close();
        Files.deleteIfExists(dir);
    }

    @Test
    void aWriteAtCriticalIsRefusedNamingTheBindingLimitAndItsFigures() throws Exception {
        String boundary = "b0undary";
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nhello\r\n--"
                + boundary + "--\r\n";
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve("/api/v0/block/put"))
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).isPresent();
        JsonNode err = JSON.readTree(r.body());
        String message = err.get("Message").asText();
        assertThat(message)
                .startsWith("memory pressure refused the write: write refused")
                .contains("on the manual limit (" + (990L << 20) + " of " + (1000L << 20) + " bytes in use")
                .contains("level CRITICAL")
                .doesNotContain("memory pressure CRITICAL");
    }
}
