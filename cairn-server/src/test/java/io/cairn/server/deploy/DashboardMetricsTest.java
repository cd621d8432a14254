package io.cairn.server.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.server.ServerExtension;
import io.cairn.server.TestHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every metric the Grafana dashboard and the alert rules read exists on a real server's /metrics,
 * so a renamed metric breaks this test instead of a production dashboard.
 */
class DashboardMetricsTest {
    private static final Pattern CAIRN_METRIC = Pattern.compile("\\b(?:blockstore|cache|cairn|jvm|process)_[a-z0-9_]+");
    private static ServerExtension ext;
    private static Set<String> exposed;

    @BeforeAll
    static void start() throws Exception {
        ext = new ServerExtension();
        // Traffic that makes every lazily registered series appear: a put, a get (hit and miss), a stat.
        String cid = TestHttp.putOk(ext.server.apiUri(), "dashboard".getBytes(StandardCharsets.UTF_8));
        TestHttp.get(ext.server.gatewayUri(), "/ipfs/" + cid);
        TestHttp.get(ext.server.gatewayUri(), "/ipfs/" + cid);
        TestHttp.post(ext.server.apiUri(), "/api/v0/block/stat?arg=" + cid);
        String metrics = new String(TestHttp.get(ext.server.apiUri(), "/metrics").body(), StandardCharsets.UTF_8);
        exposed = new TreeSet<>();
        for (String line : metrics.split("\n")) {
            if (!line.isEmpty() && !line.startsWith("#")) {
                exposed.add(line.split("[{ ]", 2)[0]);
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        ext.close();
    }

    /** S3 and Redis metrics exist only with those tiers configured: SharedTierMetricsTest checks them. */
    static Set<String> withoutSharedTiers(Set<String> names) {
        Set<String> rest = new TreeSet<>(names);
        rest.removeIf(n -> n.startsWith("cairn_s3_") || n.startsWith("cairn_redis_"));
        return rest;
    }

    @Test
    void everyDashboardQueryReadsExistingMetrics() throws Exception {
        JsonNode dash = TestHttp.JSON.readTree(Files.readString(DeployFiles.dashboard()));
        Set<String> used = new LinkedHashSet<>();
        int queries = 0;
        for (JsonNode panel : dash.path("panels")) {
            assertThat(panel.path("title").asText()).isNotBlank();
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText();
                assertThat(expr).as("panel " + panel.path("title")).isNotBlank();
                queries++;
                used.addAll(DeployFiles.metricNames(expr));
            }
        }
        assertThat(queries).isGreaterThanOrEqualTo(10);
        assertThat(used).isNotEmpty();
        assertThat(exposed).as("metrics on /metrics").containsAll(withoutSharedTiers(used));
    }

    @Test
    void everyAlertRuleReadsExistingMetrics() throws Exception {
        Matcher m = CAIRN_METRIC.matcher(Files.readString(DeployFiles.alerts()));
        Set<String> used = new TreeSet<>();
        while (m.find()) {
            used.add(m.group());
        }
        assertThat(used).contains("blockstore_memory_pressure_level", "blockstore_rejected_ops_total");
        assertThat(exposed).as("metrics on /metrics").containsAll(withoutSharedTiers(used));
    }

    @Test
    void requestLatencyHasHistogramBucketsPerRoute() {
        // The dashboard's P95 panel needs _bucket series, and routes named after the command.
        assertThat(exposed).contains("cairn_http_requests_seconds_bucket");
    }

    @Test
    void theExtractorFindsMetricsAndSkipsPromQl() {
        assertThat(DeployFiles.metricNames(
                "histogram_quantile(0.95, sum by (instance, route, le) (rate(cairn_http_requests_seconds_bucket{route=~\"a|b\"}[5m])))"))
                .containsExactly("cairn_http_requests_seconds_bucket");
        assertThat(DeployFiles.metricNames("(a_total - a_total offset 1h) > 50e6 and b_bytes > 0"))
                .containsExactly("a_total", "b_bytes");
    }
}
