package io.cairn.server;

import io.cairn.cid.Cid;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.net.URI;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * A real server per test class with the ipfs-unixfs-importer fixtures {@code tree} (plain directories)
 * and {@code hamt} (a sharded directory) stored, for the gateway and UnixFS RPC tests to read.
 * Test classes run one at a time (one fork, no parallel classes), so the fields are the running class's.
 */
abstract class UnixFsServerTest {
    static ServerExtension ext;
    static URI gw;
    static URI api;
    static Cid tree;
    static Cid hamt;

    @BeforeAll
    static void startUnixFsServer() throws Exception {
        ext = new ServerExtension();
        gw = ext.server.gatewayUri();
        api = ext.server.apiUri();
        tree = UnixFsFixtures.load("tree", ext.server.blockstore());
        hamt = UnixFsFixtures.load("hamt", ext.server.blockstore());
    }

    @AfterAll
    static void stopUnixFsServer() throws Exception {
        ext.close();
        ext = null;
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
