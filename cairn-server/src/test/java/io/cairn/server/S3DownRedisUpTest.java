package io.cairn.server;

import io.cairn.redis.RedisProcesses;
import io.cairn.s3.S3ProxyFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * S3 down while Redis is up: node A writes and reads blocks (they land in Redis), S3 is killed,
 * and node B, which never read them and has no disk cache, still serves every one of them from
 * Redis, verified against its CID; a block never read by anyone (not in Redis) is not served.
 */
class S3DownRedisUpTest {
    @TempDir
    Path dir;

    @Test
    void blocksInRedisAreServedWhileS3IsDown() throws Exception {
        RedisProcesses.redisServer();
        System.setProperty("aws.accessKeyId", S3ProxyFixture.IDENTITY);
        System.setProperty("aws.secretAccessKey", S3ProxyFixture.CREDENTIAL);
        try (S3ProxyFixture s3 = S3ProxyFixture.startNew(); RedisProcesses redis = RedisProcesses.standalone()) {
            RedisConfig rc = RedisConfig.defaults().withStandalone("redis://127.0.0.1:" + redis.port());
            ServerConfig base = ServerConfig.defaults(dir.resolve("a")).withPorts(0, 0)
                    .withStore(StoreType.S3, new S3StoreConfig(s3.endpoint(), S3ProxyFixture.BUCKET, "down", "us-east-1", true, null, 0))
                    .withRedis(rc);
            ServerConfig configB = ServerConfig.defaults(dir.resolve("b")).withPorts(0, 0)
                    .withStore(StoreType.S3, base.s3()).withRedis(rc);
            try (CairnServer a = CairnServer.start(base); CairnServer b = CairnServer.start(configB)) {
                List<String> cids = new ArrayList<>();
                List<byte[]> datas = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    byte[] data = new byte[10_000 + i];
                    new Random(i).nextBytes(data);
                    String cid = TestHttp.putOk(a.apiUri(), data);
                    // A misses its L1 (no cache on put) and populates Redis from S3
                    assertThat(TestHttp.get(a.gatewayUri(), "/ipfs/" + cid + "?format=raw").body()).isEqualTo(data);
                    cids.add(cid);
                    datas.add(data);
                }
                byte[] unread = new byte[5000];
                new Random(99).nextBytes(unread);
                String unreadCid = TestHttp.putOk(a.apiUri(), unread);

                s3.kill();
                for (int i = 0; i < cids.size(); i++) {
                    HttpResponse<byte[]> r = TestHttp.get(b.gatewayUri(), "/ipfs/" + cids.get(i) + "?format=raw");
                    assertThat(r.statusCode()).as("block %d from Redis on B while S3 is down", i).isEqualTo(200);
                    assertThat(r.body()).isEqualTo(datas.get(i));
                }
                HttpResponse<byte[]> r = TestHttp.get(b.gatewayUri(), "/ipfs/" + unreadCid + "?format=raw");
                assertThat(r.statusCode()).as("a block only in the dead S3").isNotEqualTo(200);
            }
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
    }
}
