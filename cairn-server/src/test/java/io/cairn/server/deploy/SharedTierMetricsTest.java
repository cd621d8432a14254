package io.cairn.server.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.redis.RedisProcesses;
import io.cairn.s3.S3ProxyFixture;
import io.cairn.server.CairnServer;
import io.cairn.server.RedisConfig;
import io.cairn.server.S3StoreConfig;
import io.cairn.server.ServerConfig;
import io.cairn.server.StoreType;
import io.cairn.server.TestHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The S3 and Redis metrics that the dashboard and the alert rules read exist on a real server with
 * {@code store = s3} (s3proxy) and {@code redis} (redis-server); DashboardMetricsTest checks the rest
 * on a default server, where these tiers are absent.
 */
class SharedTierMetricsTest {
    private static final Pattern SHARED = Pattern.compile("\\bcairn_(?:s3|redis)_[a-z0-9_]+");

    @TempDir
    Path dir;

    @Test
    void everySharedTierMetricTheDashboardAndAlertsUseIsExposed() throws Exception {
        RedisProcesses.redisServer();
        System.setProperty("aws.accessKeyId", S3ProxyFixture.IDENTITY);
        System.setProperty("aws.secretAccessKey", S3ProxyFixture.CREDENTIAL);
        try (S3ProxyFixture s3 = S3ProxyFixture.startNew(); RedisProcesses redis = RedisProcesses.standalone()) {
            ServerConfig config = ServerConfig.defaults(dir).withPorts(0, 0)
                    .withStore(StoreType.S3, new S3StoreConfig(s3.endpoint(), S3ProxyFixture.BUCKET, "metrics", "us-east-1", true, null, 0))
                    .withRedis(new RedisConfig("redis://127.0.0.1:" + redis.port(), "", 1024, java.time.Duration.ofHours(1),
                            java.util.Optional.empty()));
            try (CairnServer server = CairnServer.start(config)) {
                String cid = TestHttp.putOk(server.apiUri(), "shared tiers".getBytes(StandardCharsets.UTF_8));
                TestHttp.get(server.gatewayUri(), "/ipfs/" + cid + "?format=raw");
                TestHttp.get(server.gatewayUri(), "/ipfs/" + cid + "?format=raw");
                TestHttp.post(server.apiUri(), "/api/v0/block/stat?arg=" + cid);
                // larger than redis-max-value (1k): skips the tier, which registers the skip counter
                String big = TestHttp.putOk(server.apiUri(), new byte[4096]);
                TestHttp.get(server.gatewayUri(), "/ipfs/" + big + "?format=raw");
                String metrics = new String(TestHttp.get(server.apiUri(), "/metrics").body(), StandardCharsets.UTF_8);
                Set<String> exposed = new TreeSet<>();
                for (String line : metrics.split("\n")) {
                    if (!line.isEmpty() && !line.startsWith("#")) {
                        exposed.add(line.split("[{ ]", 2)[0]);
                    }
                }
                Set<String> used = new TreeSet<>();
                JsonNode dash = TestHttp.JSON.readTree(Files.readString(DeployFiles.dashboard()));
                for (JsonNode panel : dash.path("panels")) {
                    for (JsonNode target : panel.path("targets")) {
                        for (String name : DeployFiles.metricNames(target.path("expr").asText())) {
                            if (SHARED.matcher(name).matches()) {
                                used.add(name);
                            }
                        }
                    }
                }
                Matcher m = SHARED.matcher(Files.readString(DeployFiles.alerts()));
                while (m.find()) {
                    used.add(m.group());
                }
                assertThat(used).contains("cairn_s3_breaker_open", "cairn_redis_breaker_state", "cairn_redis_requests_total");
                assertThat(exposed).as("metrics on /metrics with store = s3 and redis").containsAll(used);
            }
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
    }
}
