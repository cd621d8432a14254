package io.cairn.server;

import io.cairn.blockstore.Block;
import io.cairn.redis.RedisProcesses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code redis = ...} end to end with a real redis-server: the tier sits under the caches, blocks
 * written through the server land in Redis, /health shows the breaker; an unreachable Redis at
 * start is a warning and the server runs without the tier.
 */
class RedisTierServerTest {
    @TempDir
    Path dir;

    @Test
    void blocksReachRedisAndHealthShowsTheBreaker() throws Exception {
        try (RedisProcesses redis = RedisProcesses.standalone()) {
            ServerConfig config = ServerConfig.defaults(dir).withPorts(0, 0)
                    .withRedis(RedisConfig.defaults().withStandalone("redis://127.0.0.1:" + redis.port()));
            try (CairnServer server = CairnServer.start(config)) {
                URI api = server.apiUri();
                byte[] data = new byte[5000];
                new Random(7).nextBytes(data);
                String cid = TestHttp.putOk(api, data);
                assertThat(cid).isEqualTo(Block.raw(data).cid().toString());
                assertThat(TestHttp.get(server.gatewayUri(), "/ipfs/" + cid + "?format=raw").body()).isEqualTo(data);
                assertThat(redis.command(redis.port(), "DBSIZE")).as("the block is in Redis").isEqualTo(":1\r\n");
                var health = TestHttp.json(TestHttp.get(api, "/health"));
                assertThat(health.get("store").get("redis").get("breaker").asText()).isEqualTo("CLOSED");
                assertThat(health.get("store").get("redis").get("endpoint").asText()).contains(Integer.toString(redis.port()));
            }
        }
    }

    @Test
    void anUnreachableRedisIsAWarningAndTheServerRunsWithoutIt() throws Exception {
        int port = RedisProcesses.freePort(); // nothing listens there
        ServerConfig config = ServerConfig.defaults(dir).withPorts(0, 0)
                .withRedis(new RedisConfig("redis://127.0.0.1:" + port, "", 1 << 20, java.time.Duration.ofHours(1), Optional.empty()));
        try (CairnServer server = CairnServer.start(config)) {
            URI api = server.apiUri();
            byte[] data = new byte[3000];
            new Random(8).nextBytes(data);
            String cid = TestHttp.putOk(api, data);
            assertThat(TestHttp.get(server.gatewayUri(), "/ipfs/" + cid + "?format=raw").body()).isEqualTo(data);
            var health = TestHttp.json(TestHttp.get(api, "/health"));
            assertThat(health.get("status").asText()).isEqualTo("ok");
            assertThat(health.get("store").get("redis").get("breaker").asText()).isEqualTo("UNAVAILABLE");
        }
    }
}
