package io.cairn.s3;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real S3 server for the tests: s3proxy 4.1.0 with its filesystem backend, run as a separate JVM
 * from the jars Maven copied into {@code cairn-s3/s3proxy/target/lib} (its Jetty, Logback and Jackson
 * must not meet Cairn's on one classpath). Binds 127.0.0.1 on a free port; {@link #kill()} and
 * {@link #start()} stop and restart it on the same port over the same data.
 */
public final class S3ProxyFixture implements AutoCloseable {
    public static final String IDENTITY = "cairn-test";
    public static final String CREDENTIAL = "cairn-test-secret";
    public static final String BUCKET = "cairn";

    private final Path dir;
    private final Path lib;
    private final int port;
    private Process process;

    private S3ProxyFixture(Path dir, Path lib, int port) {
        this.dir = dir;
        this.lib = lib;
        this.port = port;
    }

    private static S3ProxyFixture shared;

    /**
     * One server for every test class of this JVM that does not kill it (each uses prefixes of its
     * own), stopped when the JVM exits: starting s3proxy costs seconds.
     */
    public static synchronized S3ProxyFixture shared() throws Exception {
        if (shared == null || !shared.isAlive()) {
            S3ProxyFixture f = startNew();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    f.close();
                } catch (Exception e) {
                    // exiting anyway
                }
            }, "s3proxy-stop"));
            shared = f;
        }
        return shared;
    }

    /** Starts s3proxy and creates {@link #BUCKET}. */
    public static S3ProxyFixture startNew() throws Exception {
        String libProp = System.getProperty("cairn.s3proxy.lib");
        // cairn-s3's surefire sets the property; from another module (cairn-server) look beside it
        Path lib = libProp != null ? Path.of(libProp)
                : Files.isDirectory(Path.of("s3proxy", "target", "lib")) ? Path.of("s3proxy", "target", "lib")
                : Path.of("..", "cairn-s3", "s3proxy", "target", "lib");
        if (!Files.isDirectory(lib) || !Files.exists(lib.resolve("s3proxy-4.1.0.jar"))) {
            throw new IllegalStateException("s3proxy's jars are missing from " + lib.toAbsolutePath()
                    + "; build through Maven (mvn -pl cairn-s3 -am verify), which copies them there");
        }
        // s3proxy's filesystem backend on tmpfs where there is one: on a disk shared with busy builds
        // each PUT waited ~90 ms for the disk, which made the contract tests take minutes
        Path shm = Path.of("/dev/shm");
        Path dir = Files.isDirectory(shm) && Files.isWritable(shm)
                ? Files.createTempDirectory(shm, "cairn-s3proxy") : Files.createTempDirectory("cairn-s3proxy");
        S3ProxyFixture f = new S3ProxyFixture(dir, lib, freePort());
        Files.createDirectories(dir.resolve("data"));
        Files.writeString(dir.resolve("s3proxy.properties"), String.join("\n",
                "s3proxy.endpoint=http://127.0.0.1:" + f.port,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + IDENTITY,
                "s3proxy.credential=" + CREDENTIAL,
                "jclouds.provider=filesystem",
                "jclouds.filesystem.basedir=" + dir.resolve("data")) + "\n");
        Files.writeString(dir.resolve("logback.xml"), """
                <configuration>
                  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n</pattern></encoder>
                  </appender>
                  <root level="WARN"><appender-ref ref="OUT"/></root>
                </configuration>
                """);
        try {
            f.start();
            try (S3Client c = f.client()) {
                c.createBucket(b -> b.bucket(BUCKET));
            } catch (software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException e) {
                // a first attempt that timed out on a loaded machine had created it; the retry says so
            }
        } catch (Exception e) {
            f.close();
            throw e;
        }
        return f;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Starts the process (again) and waits until it accepts connections, at most 60 s. */
    public synchronized void start() throws Exception {
        if (process != null && process.isAlive()) {
            return;
        }
        String java = System.getProperty("cairn.test.java", Path.of(System.getProperty("java.home"), "bin", "java").toString());
        ProcessBuilder pb = new ProcessBuilder(List.of(java, "-Xmx256m", "-XX:+UseSerialGC",
                "-Dlogback.configurationFile=" + dir.resolve("logback.xml"),
                "-cp", lib.toAbsolutePath() + "/*", "org.gaul.s3proxy.Main",
                "--properties", dir.resolve("s3proxy.properties").toString()));
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("s3proxy.log").toFile()));
        process = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("s3proxy exited with " + process.exitValue() + ": " + logTail());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException("s3proxy did not listen on " + port + " within 60 s: " + logTail());
    }

    /** Kills the process at once (SIGKILL), as a crash would. */
    public synchronized void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    String logTail() {
        try {
            String log = Files.readString(dir.resolve("s3proxy.log"), StandardCharsets.UTF_8);
            return log.length() > 4000 ? log.substring(log.length() - 4000) : log;
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    int port() {
        return port;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(IDENTITY, CREDENTIAL));
    }

    /** Settings for {@code endpoint} (this server or a proxy in front of it), short timeouts for tests. */
    public static S3Settings settings(URI endpoint, String prefix) {
        return S3Settings.of(endpoint, "us-east-1", BUCKET, prefix, true)
                .withTimeouts(java.time.Duration.ofSeconds(10), java.time.Duration.ofSeconds(3))
                .withRetries(3, java.time.Duration.ofMillis(20), java.time.Duration.ofMillis(200));
    }

    public S3Client client() {
        return S3Clients.build(settings(endpoint(), ""), null, credentials());
    }

    @Override
    public synchronized void close() throws Exception {
        kill();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
