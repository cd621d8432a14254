package io.cairn.bench.s3;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * s3proxy (filesystem backend) as a child process for the S3 benchmark, from the jars Maven copies
 * into {@code cairn-s3/s3proxy/target/lib}; on 127.0.0.1, a free port, data in a temporary directory.
 */
public final class S3ProxyProcess implements AutoCloseable {
    public static final String IDENTITY = "cairn-bench";
    public static final String CREDENTIAL = "cairn-bench-secret";

    private final Process process;
    private final int port;
    private final Path dir;

    private S3ProxyProcess(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    public static S3ProxyProcess start(Path lib, Path dir) throws Exception {
        if (!Files.exists(lib.resolve("s3proxy-4.1.0.jar"))) {
            throw new IllegalStateException("s3proxy's jars are not in " + lib.toAbsolutePath()
                    + " (./cairn build puts them there), or pass --s3proxy-lib");
        }
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Files.createDirectories(dir.resolve("data"));
        Files.writeString(dir.resolve("s3proxy.properties"), String.join("\n",
                "s3proxy.endpoint=http://127.0.0.1:" + port, "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + IDENTITY, "s3proxy.credential=" + CREDENTIAL,
                "jclouds.provider=filesystem", "jclouds.filesystem.basedir=" + dir.resolve("data")) + "\n");
        Files.writeString(dir.resolve("logback.xml"), "<configuration><root level=\"WARN\"/></configuration>\n");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(List.of(java, "-Xmx512m", "-Dlogback.configurationFile=" + dir.resolve("logback.xml"),
                "-cp", lib.toAbsolutePath() + "/*", "org.gaul.s3proxy.Main", "--properties",
                dir.resolve("s3proxy.properties").toString()));
        pb.redirectErrorStream(true).redirectOutput(dir.resolve("s3proxy.log").toFile());
        Process p = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("s3proxy exited: " + Files.readString(dir.resolve("s3proxy.log")));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return new S3ProxyProcess(p, port, dir);
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        p.destroyForcibly();
        throw new IllegalStateException("s3proxy did not start within 60 s");
    }

    /**
     * CPU time s3proxy's process has used so far, every thread (user and system, as the kernel counts
     * it, in clock ticks), or -1 where the platform does not say.
     */
    public long cpuNanos() {
        return process.toHandle().info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(-1L);
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
