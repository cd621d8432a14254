package io.cairn.bench.multinode;

import io.cairn.redis.RedisEndpoint;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One standalone redis-server (Debian's package) for the multi-node benchmark: 127.0.0.1, a free
 * port, persistence off, stopped at the end.
 */
final class RedisServerProcess implements AutoCloseable {
    private final Process process;
    private final int port;

    private RedisServerProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static RedisServerProcess start(Path dir) throws Exception {
        Path exe = Path.of("/usr/bin/redis-server");
        if (!Files.isExecutable(exe)) {
            throw new IllegalStateException("redis-server is not installed (apt-get install redis-server)");
        }
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Process p = new ProcessBuilder(List.of(exe.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--dir", dir.toString(), "--save", "", "--appendonly", "no", "--protected-mode", "no"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        RedisServerProcess r = new RedisServerProcess(p, port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return r;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        p.destroyForcibly();
        throw new IllegalStateException("redis-server did not answer within 15 s");
    }

    RedisEndpoint endpoint() {
        return RedisEndpoint.standalone("redis://127.0.0.1:" + port, Optional.empty());
    }

    String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** One call on a short-lived Lettuce connection. */
    <T> T call(java.util.function.Function<io.lettuce.core.api.sync.RedisCommands<String, String>, T> command) {
        io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(uri());
        try (var c = client.connect()) {
            return command.apply(c.sync());
        } finally {
            client.shutdown();
        }
    }

    long dbSize() {
        return call(r -> r.dbsize());
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
