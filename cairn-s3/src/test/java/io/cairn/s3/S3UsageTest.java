package io.cairn.s3;

import io.cairn.blockstore.Block;
import io.cairn.cid.Cid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The usage figure of an S3 store against a real S3 server (s3proxy): a listing sums the block
 * objects under the prefix (not pins, not other prefixes), this node's own creates and deletes move
 * the figure at once (a PUT of a block already there adds nothing), and another node's writes show at
 * the next listing; a listing costs one request per 1,000 objects.
 */
class S3UsageTest {
    private static S3ProxyFixture s3;
    private final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeAll
    static void startS3() throws Exception {
        s3 = S3ProxyFixture.shared();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }

    private S3Client client(String prefix) {
        S3Client client = S3Clients.build(S3ProxyFixture.settings(s3.endpoint(), prefix), null, S3ProxyFixture.credentials());
        opened.add(client);
        return client;
    }

    private S3Blockstore store(String prefix) {
        S3RequestCounter counter = new S3RequestCounter();
        S3Settings settings = S3ProxyFixture.settings(s3.endpoint(), prefix);
        S3Blockstore store = S3Blockstore.owning(S3Clients.build(settings, counter, S3ProxyFixture.credentials()), counter,
                settings, S3StoreOptions.builder().build());
        opened.add(store);
        return store;
    }

    private S3Usage usage(S3Blockstore store, String prefix) {
        S3Usage u = new S3Usage(store, client(prefix), false, S3ProxyFixture.settings(s3.endpoint(), prefix));
        opened.add(u);
        return u;
    }

    private static Block block(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return Block.raw(data);
    }

    @Test
    void listingPlusOwnChangesGiveTheBytesStoredAndOtherNodesShowAtTheNextListing() {
        String prefix = "usage-test/" + System.nanoTime();
        S3Blockstore a = store(prefix);
        S3Blockstore b = store(prefix);
        S3Blockstore elsewhere = store(prefix + "-other");
        elsewhere.put(block(9999, 99)); // another prefix: never counted
        S3PinStore.over(client(prefix), S3ProxyFixture.settings(s3.endpoint(), prefix)).addDirect(block(10, 1).cid());

        long expected = 0;
        for (int i = 0; i < 5; i++) {
            Block blk = block(1000 + i, i);
            a.put(blk);
            expected += blk.size();
        }
        S3Usage onA = usage(a, prefix);
        b.put(block(3000, 30)); // B's, before A's first listing
        assertThat(onA.getAsLong()).as("before the first listing only A's own changes count").isEqualTo(expected);
        expected += 3000;
        assertThat(onA.rescan()).as("the listing: both nodes' blocks, not the pin, not the other prefix").isEqualTo(expected);
        assertThat(onA.listRequests()).as("one page").isEqualTo(1);

        Block more = block(4000, 50);
        a.put(more);
        assertThat(onA.getAsLong()).as("A's own PUT counts at once").isEqualTo(expected + 4000);
        a.put(more);
        assertThat(onA.getAsLong()).as("a PUT of a block already there adds nothing").isEqualTo(expected + 4000);
        Cid first = block(1000, 0).cid();
        assertThat(a.delete(first)).isTrue();
        assertThat(onA.getAsLong()).as("A's own delete counts at once").isEqualTo(expected + 4000 - 1000);

        Block byB = block(7000, 70);
        b.put(byB);
        assertThat(onA.getAsLong()).as("B's write is not seen before A's next listing").isEqualTo(expected + 3000);
        assertThat(onA.rescan()).as("and is after it").isEqualTo(expected + 3000 + 7000);
        assertThat(onA.getAsLong()).isEqualTo(expected + 10_000);
        assertThat(onA.scans()).isEqualTo(2);
    }
}
