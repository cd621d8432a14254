package io.cairn.server.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.server.ServerExtension;
import io.cairn.server.TestHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real Prometheus (Debian's package, 2.42) scrapes two Cairn nodes and evaluates the shipped alert
 * rules; the test queries what it recorded. Skipped, with the reason, where prometheus is not
 * installed (.ci/run installs it).
 */
class PrometheusScrapeTest {

    @Test
    void scrapesTwoNodesAndEvaluatesTheRules(@TempDir Path dir) throws Exception {
        var prometheus = DeployFiles.tool("prometheus");
        assumeTrue(prometheus.isPresent(), "prometheus not installed (apt-get install prometheus); .ci/run installs it");
        try (ServerExtension a = new ServerExtension(); ServerExtension b = new ServerExtension()) {
            String nodeA = "127.0.0.1:" + a.server.apiPort();
            String nodeB = "127.0.0.1:" + b.server.apiPort();
            int port = freePort();
            Path config = dir.resolve("prometheus.yml");
            Files.writeString(config, """
                    global:
                      scrape_interval: 1s
                      evaluation_interval: 1s
                    rule_files:
                      - %s
                    scrape_configs:
                      - job_name: cairn
                        metrics_path: /metrics
                        static_configs:
                          - targets: ['%s', '%s']
                    """.formatted(DeployFiles.alerts(), nodeA, nodeB));
            Process p = new ProcessBuilder(prometheus.get().toString(), "--config.file=" + config,
                    "--storage.tsdb.path=" + dir.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + port,
                    "--log.level=warn")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
            try {
                URI prom = URI.create("http://127.0.0.1:" + port);
                await("prometheus ready").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                        .ignoreExceptions().until(() -> TestHttp.get(prom, "/-/ready").statusCode() == 200);

                // Both targets up.
                await("both nodes scraped").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                        .until(() -> instancesWithValue(prom, "up == 1").equals(Set.of(nodeA, nodeB)));
                assertThat(instancesWithValue(prom, "blockstore_memory_pressure_level")).containsExactlyInAnyOrder(nodeA, nodeB);

                // A put on node A shows up as A's block/put route, and only A's.
                TestHttp.putOk(a.server.apiUri(), "scraped".getBytes(StandardCharsets.UTF_8));
                await("the put recorded").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                        .until(() -> instancesWithValue(prom,
                                "cairn_http_requests_seconds_count{route=\"/api/v0/block/put\",status=\"200\"}").equals(Set.of(nodeA)));

                // The shipped rules load and evaluate without errors against real series.
                await("rules evaluated").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                        .until(() -> rulesHealthy(prom) == DeployFiles.alertNames().size());
                // An idle, unpressured pair of nodes fires nothing.
                assertThat(query(prom, "ALERTS{alertstate=\"firing\"}").path("data").path("result")).isEmpty();
            } finally {
                p.destroy();
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
        }
    }

    private static int rulesHealthy(URI prom) throws Exception {
        HttpResponse<byte[]> r = TestHttp.get(prom, "/api/v1/rules");
        JsonNode groups = TestHttp.JSON.readTree(r.body()).path("data").path("groups");
        int ok = 0;
        for (JsonNode g : groups) {
            for (JsonNode rule : g.path("rules")) {
                if ("ok".equals(rule.path("health").asText())) {
                    ok++;
                }
            }
        }
        return ok;
    }

    private static Set<String> instancesWithValue(URI prom, String promql) throws Exception {
        Set<String> out = new HashSet<>();
        for (JsonNode s : query(prom, promql).path("data").path("result")) {
            out.add(s.path("metric").path("instance").asText());
        }
        return out;
    }

    private static JsonNode query(URI prom, String promql) throws Exception {
        HttpResponse<byte[]> r = TestHttp.get(prom, "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        return TestHttp.JSON.readTree(r.body());
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
