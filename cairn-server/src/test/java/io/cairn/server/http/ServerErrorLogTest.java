package io.cairn.server.http;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cairn.blockstore.StorageException;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 11, defect 6: a 500 was never logged, and its message showed absolute paths. Here a real
 * Jetty server runs {@link RequestIdHandler} over handlers that fail in the ways the real ones can:
 * each 5xx must be logged exactly once, with the id the client got in {@code X-Request-Id} and in the
 * body, and the body must not show the path.
 */
class ServerErrorLogTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private Server server;
    private URI base;
    private ListAppender<ILoggingEvent> log;

    @BeforeEach
    void start() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger("io.cairn.server.errors");
        log = new ListAppender<>();
        log.start();
        logger.addAppender(log);
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new RequestIdHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                String path = request.getHttpURI().getPath();
                switch (path) {
                    case "/storage" -> answer(response, callback, new StorageException("cannot write block file",
                            Path.of("/srv/secret-data/blocks/AB/CIQABC.data"), new IOException("No space left on device")));
                    case "/bug" -> answer(response, callback, new IllegalArgumentException("a bug, not the client's mistake"));
                    case "/bad" -> answer(response, callback, HttpProblem.badRequest("the client's mistake"));
                    default -> callback.failed(new IllegalStateException("the handler broke"));
                }
                return true;
            }
        }));
        server.setErrorHandler(new CairnErrorHandler());
        server.start();
        base = URI.create("http://127.0.0.1:" + connector.getLocalPort());
    }

    private static void answer(Response response, Callback callback, Throwable t) {
        try {
            Http.sendKuboError(response, Errors.toProblem(t, true));
            callback.succeeded();
        } catch (Throwable e) {
            callback.failed(e);
        }
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
        ((Logger) LoggerFactory.getLogger("io.cairn.server.errors")).detachAppender(log);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(base.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private List<ILoggingEvent> linesNaming(String id) {
        return log.list.stream().filter(e -> e.getFormattedMessage().contains(id)).toList();
    }

    @Test
    void aStorageFailureIsLoggedOnceWithTheRequestIdAndShowsNoPath() throws Exception {
        HttpResponse<String> r = get("/storage");
        assertThat(r.statusCode()).isEqualTo(500);
        String id = r.headers().firstValue("X-Request-Id").orElseThrow();
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("Message").asText()).contains("request id " + id).contains("No space left on device")
                .contains("CIQABC.data").doesNotContain("/srv/secret-data");
        assertThat(linesNaming(id)).hasSize(1);
        assertThat(linesNaming(id).getFirst().getLevel().toString()).isEqualTo("ERROR");
        assertThat(linesNaming(id).getFirst().getThrowableProxy()).isNotNull();
    }

    @Test
    void anUnexpectedIllegalArgumentExceptionIsA500NotA400() throws Exception {
        HttpResponse<String> r = get("/bug");
        assertThat(r.statusCode()).isEqualTo(500);
        String id = r.headers().firstValue("X-Request-Id").orElseThrow();
        assertThat(JSON.readTree(r.body()).get("Code").asInt()).isEqualTo(2);
        assertThat(linesNaming(id)).hasSize(1);
    }

    @Test
    void aFailedCallbackIsLoggedOnce() throws Exception {
        HttpResponse<String> r = get("/broken");
        assertThat(r.statusCode()).isEqualTo(500);
        String id = r.headers().firstValue("X-Request-Id").orElseThrow();
        assertThat(linesNaming(id)).hasSize(1);
        assertThat(linesNaming(id).getFirst().getFormattedMessage()).contains("/broken");
        assertThat(r.body()).contains("request id " + id).doesNotContain("the handler broke");
    }

    @Test
    void clientErrorsAreNotLoggedAsServerErrors() throws Exception {
        HttpResponse<String> r = get("/bad");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).get("Message").asText()).isEqualTo("the client's mistake");
        assertThat(linesNaming(r.headers().firstValue("X-Request-Id").orElseThrow())).isEmpty();
    }
}
