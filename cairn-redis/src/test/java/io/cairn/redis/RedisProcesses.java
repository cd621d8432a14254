package io.cairn.redis;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Real Redis servers for the tests: Debian's redis-server on 127.0.0.1, started and stopped by the
 * test (by process), in a temporary directory, with persistence off. A cluster is three masters
 * (and optionally replicas of each) joined with {@code redis-cli --cluster create}. Where redis-server is not installed the test is
 * skipped with the reason (.ci/run installs it). Published in this module's test-jar for
 * cairn-server's multi-node tests.
 */
public final class RedisProcesses implements AutoCloseable {
    private final Path dir;
    private final List<Node> nodes = new ArrayList<>();

    public record Node(int port, Process process) {
    }

    private RedisProcesses(Path dir) {
        this.dir = dir;
    }

    public static Path redisServer() {
        Optional<Path> p = tool("redis-server");
        assumeTrue(p.isPresent(), "redis-server not installed (apt-get install redis-server); .ci/run installs it");
        return p.get();
    }

    /** One standalone server; {@code extra} are more redis-server arguments (e.g. "--maxmemory", "2mb"). */
    public static RedisProcesses standalone(String... extra) throws Exception {
        return standaloneOn(freePort(), extra);
    }

    /** As {@link #standalone}, on a port chosen beforehand (a client configured before the server exists). */
    public static RedisProcesses standaloneOn(int port, String... extra) throws Exception {
        RedisProcesses r = new RedisProcesses(Files.createTempDirectory("cairn-redis"));
        try {
            r.startNode(port, false, extra);
            return r;
        } catch (Exception | Error e) {
            r.close();
            throw e;
        }
    }

    /** A three-master Redis Cluster with no replicas, state ok. */
    public static RedisProcesses cluster() throws Exception {
        return cluster(0);
    }

    /**
     * A three-master Redis Cluster with {@code replicas} replicas per master ({@code redis-cli --cluster
     * create ... --cluster-replicas N}), state ok. With replicas, killing a master makes the cluster
     * promote one of its replicas after {@code cluster-node-timeout} (2 s here).
     */
    public static RedisProcesses cluster(int replicas) throws Exception {
        RedisProcesses r = new RedisProcesses(Files.createTempDirectory("cairn-redis-cluster"));
        try {
            List<String> addrs = new ArrayList<>();
            for (int i = 0; i < 3 * (1 + replicas); i++) {
                int port = freeClusterPort();
                r.startNode(port, true);
                addrs.add("127.0.0.1:" + port);
            }
            List<String> create = new ArrayList<>(List.of(tool("redis-cli").orElseThrow().toString(), "--cluster", "create"));
            create.addAll(addrs);
            create.addAll(List.of("--cluster-replicas", Integer.toString(replicas), "--cluster-yes"));
            Process p = new ProcessBuilder(create).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("redis-cli --cluster create failed: " + out);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            for (Node n : r.nodes) {
                while (!r.command(n.port(), "CLUSTER", "INFO").contains("cluster_state:ok")) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("cluster did not reach cluster_state:ok in 30 s");
                    }
                    Thread.sleep(100);
                }
            }
            // A replica that has not finished its first sync from its master cannot take over from it.
            for (Node n : r.nodes) {
                String role;
                while ((role = r.command(n.port(), "INFO", "replication")).contains("role:slave")
                        && !role.contains("master_link_status:up")) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("a replica did not sync with its master in 30 s");
                    }
                    Thread.sleep(100);
                }
            }
            return r;
        } catch (Exception | Error e) {
            r.close();
            throw e;
        }
    }

    private void startNode(int port, boolean cluster, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(redisServer().toString(), "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--dir", dir.toString(), "--save", "", "--appendonly", "no",
                "--protected-mode", "no", "--logfile", dir.resolve("redis-" + port + ".log").toString()));
        if (cluster) {
            cmd.addAll(List.of("--cluster-enabled", "yes", "--cluster-config-file", "nodes-" + port + ".conf",
                    "--cluster-node-timeout", "2000",
                    // a replica may always take over, however long it was out of touch with its master
                    "--cluster-replica-validity-factor", "0"));
        }
        cmd.addAll(List.of(extra));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdout-" + port + ".txt").toFile()).start();
        nodes.add(new Node(port, p));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            try {
                if (command(port, "PING").contains("PONG")) {
                    return;
                }
            } catch (IOException e) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("redis-server on port " + port + " exited: "
                            + Files.readString(dir.resolve("stdout-" + port + ".txt")));
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("redis-server on port " + port + " did not answer in 15 s");
            }
            Thread.sleep(50);
        }
    }

    public List<Node> nodes() {
        return nodes;
    }

    /** The live master serving {@code slot} now, as a live node sees it, or null while none does. */
    public Node masterOf(int slot) throws IOException {
        for (String line : clusterNodes()) {
            String[] f = line.split(" ");
            if (!f[2].contains("master") || f[2].contains("fail")) {
                continue;
            }
            for (int i = 8; i < f.length; i++) {
                if (f[i].startsWith("[")) {
                    continue; // a slot being migrated
                }
                String[] range = f[i].split("-");
                int lo = Integer.parseInt(range[0].trim());
                int hi = range.length > 1 ? Integer.parseInt(range[1].trim()) : lo;
                if (slot >= lo && slot <= hi) {
                    Node n = byPort(f[1]);
                    return n.process().isAlive() ? n : null;
                }
            }
        }
        return null;
    }

    /**
     * Waits until a master other than {@code old} serves {@code slot} and the cluster is ok again
     * (a replica was promoted), and returns it.
     */
    public Node awaitPromotion(int slot, Node old, java.time.Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Node m = masterOf(slot);
            if (m != null && m.port() != old.port() && command(m.port(), "CLUSTER", "INFO").contains("cluster_state:ok")) {
                return m;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("no replica was promoted for slot " + slot + " within " + timeout);
    }

    private List<String> clusterNodes() throws IOException {
        for (Node n : nodes) {
            if (!n.process().isAlive()) {
                continue;
            }
            String reply = command(n.port(), "CLUSTER", "NODES");
            List<String> lines = new ArrayList<>();
            for (String line : reply.split("\r?\n")) {
                if (!line.isBlank() && !line.startsWith("$")) {
                    lines.add(line.strip());
                }
            }
            return lines;
        }
        throw new IOException("no live Redis node");
    }

    private Node byPort(String address) {
        String hostPort = address.split("@")[0];
        int port = Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
        for (Node n : nodes) {
            if (n.port() == port) {
                return n;
            }
        }
        throw new IllegalStateException("no node on port " + port);
    }

    public int port() {
        return nodes.getFirst().port();
    }

    public RedisEndpoint endpoint() {
        if (nodes.size() == 1) {
            return RedisEndpoint.standalone("redis://127.0.0.1:" + port(), Optional.empty());
        }
        StringBuilder seeds = new StringBuilder();
        for (Node n : nodes) {
            seeds.append(seeds.isEmpty() ? "" : ",").append("127.0.0.1:").append(n.port());
        }
        return RedisEndpoint.cluster(seeds.toString(), Optional.empty());
    }

    /** Kills one node with SIGKILL. */
    public void kill(Node n) throws InterruptedException {
        n.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    /** A command in RESP over a plain socket; returns the raw reply text. */
    public String command(int port, String... args) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(5_000);
            StringBuilder req = new StringBuilder("*" + args.length + "\r\n");
            for (String a : args) {
                req.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
            }
            s.getOutputStream().write(req.toString().getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            byte[] buf = new byte[65536];
            int n = s.getInputStream().read(buf);
            return n <= 0 ? "" : new String(buf, 0, n, StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() throws IOException {
        for (Node n : nodes) {
            n.process().destroyForcibly();
        }
        for (Node n : nodes) {
            try {
                n.process().waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static Optional<Path> tool(String name) {
        for (String d : (System.getenv().getOrDefault("PATH", "") + ":/usr/bin:/usr/local/bin").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, name))) {
                return Optional.of(Path.of(d, name));
            }
        }
        return Optional.empty();
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A free port whose cluster bus port (port + 10000) is free too, so at most 55535. */
    public static int freeClusterPort() throws IOException {
        for (int tries = 0; tries < 200; tries++) {
            int port = ThreadLocalRandom.current().nextInt(20_000, 55_000);
            try (ServerSocket a = new ServerSocket(port, 1, InetAddress.getLoopbackAddress());
                 ServerSocket b = new ServerSocket(port + 10_000, 1, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port pair for a cluster node");
    }
}
