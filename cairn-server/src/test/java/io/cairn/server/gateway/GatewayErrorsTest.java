package io.cairn.server.gateway;

import io.cairn.blockstore.BlockNotFoundException;
import io.cairn.blockstore.StorageException;
import io.cairn.cid.Cid;
import io.cairn.cid.InvalidCidException;
import io.cairn.ipld.MalformedBlockException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Failures map to statuses in one place, and only typed client errors are 4xx. */
class GatewayErrorsTest {
    @Test
    void typedErrorsKeepTheirStatusAndBugsAre500() {
        assertThat(GatewayErrors.of(GatewayException.badRequest("x")).status()).isEqualTo(400);
        assertThat(GatewayErrors.of(GatewayException.notAcceptable("x")).status()).isEqualTo(406);
        assertThat(GatewayErrors.of(new GatewayException(GatewayException.Kind.RANGE_NOT_SATISFIABLE, "x")).status()).isEqualTo(416);
        assertThat(GatewayErrors.of(new BlockNotFoundException(Cid.parse("bafkqaaa"))).status()).isEqualTo(404);
        assertThat(GatewayErrors.of(new InvalidCidException("bad")).status()).isEqualTo(400);
        assertThat(GatewayErrors.of(new MalformedBlockException("bad block")).status()).isEqualTo(502);
        // The old handler answered 400 for any IllegalArgumentException, so a bug passed for a client error.
        assertThat(GatewayErrors.of(new IllegalArgumentException("bug")).status()).isEqualTo(500);
        assertThat(GatewayErrors.of(new IllegalStateException("bug")).status()).isEqualTo(500);
        assertThat(GatewayErrors.of(new NullPointerException()).status()).isEqualTo(500);
    }

    @Test
    void entityBytesParsesStarsAndNegativeOffsets() {
        assertThat(EntityBytes.parse("0:*").over(100)).containsExactly(0, 99);
        assertThat(EntityBytes.parse("-10:*").over(100)).containsExactly(90, 99);
        assertThat(EntityBytes.parse("5:-10").over(100)).containsExactly(5, 90);
        assertThat(EntityBytes.parse("5:500").over(100)).containsExactly(5, 99);
        assertThat(EntityBytes.parse("-500:*").over(100)).containsExactly(0, 99);
        assertThat(EntityBytes.parse("100:*").outside(100)).isTrue();
        assertThat(EntityBytes.parse("99:*").outside(100)).isFalse();
    }

    @Test
    void gatewayConfigValidatesTheCorsOrigin() {
        assertThat(new GatewayConfig(GatewayConfig.Deserialized.AUTO, "https://example.org:8443").cors()).isTrue();
        assertThat(new GatewayConfig(GatewayConfig.Deserialized.AUTO, "").cors()).isFalse();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new GatewayConfig(GatewayConfig.Deserialized.AUTO, "evil\r\nX: y"))
                .hasMessageContaining("gateway-cors-origin");
        assertThat(GatewayConfig.defaults().resolvedFor(true).serveDeserialized()).isTrue();
        assertThat(GatewayConfig.defaults().resolvedFor(false).serveDeserialized()).isFalse();
    }
}
