package io.cairn.blockstore;

import io.cairn.s3.S3Blockstore;
import io.cairn.s3.S3Clients;
import io.cairn.s3.S3ProxyFixture;
import io.cairn.s3.S3RequestCounter;
import io.cairn.s3.S3StoreOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import software.amazon.awssdk.services.s3.S3Client;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The S3 store under the common Blockstore contract, against a real S3 server (s3proxy, filesystem
 * backend, started by the test). Each store gets a fresh prefix in one bucket, so it starts empty.
 */
class S3ContractTest extends BlockstoreContractTest {
    private static S3ProxyFixture s3;
    private static S3Client client;
    private static final S3RequestCounter COUNTER = new S3RequestCounter();
    private static final AtomicInteger STORES = new AtomicInteger();

    @BeforeAll
    static void startS3() throws Exception {
        s3 = S3ProxyFixture.shared();
        client = S3Clients.build(S3ProxyFixture.settings(s3.endpoint(), ""), COUNTER, S3ProxyFixture.credentials());
    }

    @AfterAll
    static void stopS3() throws Exception {
        if (client != null) {
            client.close();
        }
        // the shared server stops when the JVM exits
    }

    @Override
    protected Blockstore create(BlockSizeLimit limit) {
        String prefix = "contract/" + STORES.incrementAndGet();
        return S3Blockstore.over(client, COUNTER, S3ProxyFixture.settings(s3.endpoint(), prefix),
                S3StoreOptions.builder().blockSizeLimit(limit).build());
    }
}
