package io.cairn.server.http;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.eclipse.jetty.server.Handler;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Routes become metric tags, so only names the server really answers may become routes. */
class RequestMetricsRoutesTest {
    private final RequestMetricsHandler handler =
            new RequestMetricsHandler(new Handler.Abstract() {
                @Override
                public boolean handle(org.eclipse.jetty.server.Request r, org.eclipse.jetty.server.Response s,
                                      org.eclipse.jetty.util.Callback c) {
                    return false;
                }
            }, new SimpleMeterRegistry(), "api");

    @Test
    void aCommandBecomesARouteOnceItHasSucceeded() {
        assertThat(handler.route("/api/v0/pin/ls", 405)).isEqualTo("other");
        assertThat(handler.route("/api/v0/pin/ls", 200)).isEqualTo("/api/v0/pin/ls");
        // From then on its failures are counted under its name too.
        assertThat(handler.route("/api/v0/pin/ls", 500)).isEqualTo("/api/v0/pin/ls");
    }

    @Test
    void madeUpCommandsAndPathsStayOther() {
        for (int i = 0; i < 1_000; i++) {
            assertThat(handler.route("/api/v0/made/up" + (char) ('a' + i % 26) + i, 405)).isEqualTo("other");
            assertThat(handler.route("/api/v0/made/up" + (char) ('a' + i % 26) + i, 404)).isEqualTo("other");
        }
        assertThat(handler.route("/api/v0/Block/Put", 200)).isEqualTo("other");
        assertThat(handler.route("/elsewhere", 200)).isEqualTo("other");
        assertThat(handler.route(null, 200)).isEqualTo("other");
    }

    @Test
    void gatewayAndAdminRoutesAreFixed() {
        assertThat(handler.route("/ipfs/bafkqaaa", 404)).isEqualTo("/ipfs/{cid}");
        assertThat(handler.route("/metrics", 200)).isEqualTo("/metrics");
        assertThat(handler.route("/health", 503)).isEqualTo("/health");
    }

    @Test
    void theNumberOfCommandRoutesIsBounded() {
        for (int i = 0; i < RequestMetricsHandler.MAX_COMMAND_ROUTES + 50; i++) {
            handler.route("/api/v0/cmd/" + name(i), 200);
        }
        assertThat(handler.route("/api/v0/cmd/" + name(RequestMetricsHandler.MAX_COMMAND_ROUTES + 10), 200))
                .isEqualTo("other");
        assertThat(handler.route("/api/v0/cmd/" + name(3), 200)).isEqualTo("/api/v0/cmd/" + name(3));
    }

    private static String name(int i) {
        StringBuilder b = new StringBuilder();
        do {
            b.append((char) ('a' + i % 26));
            i /= 26;
        } while (i > 0);
        return b.toString();
    }
}
