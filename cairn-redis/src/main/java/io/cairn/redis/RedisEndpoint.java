package io.cairn.redis;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where Redis is: one standalone server, or the seed nodes of a Redis Cluster. The password, if
 * any, comes from the environment ({@code CAIRN_REDIS_PASSWORD}), never from a URI in a file.
 */
public record RedisEndpoint(List<HostPort> nodes, boolean cluster, Optional<String> password) {
    public RedisEndpoint {
        nodes = List.copyOf(nodes);
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("redis: at least one host:port is needed");
        }
        if (!cluster && nodes.size() != 1) {
            throw new IllegalArgumentException("redis: a standalone server is one host:port; use redis-cluster for seeds");
        }
    }

    /** {@code redis://host:port} (or bare {@code host:port}), a standalone server. */
    public static RedisEndpoint standalone(String uri, Optional<String> password) {
        return new RedisEndpoint(List.of(HostPort.parse(uri, "redis")), false, password);
    }

    /** A comma-separated list of cluster seeds, each {@code host:port} or {@code redis://host:port}. */
    public static RedisEndpoint cluster(String seeds, Optional<String> password) {
        List<HostPort> nodes = new ArrayList<>();
        for (String s : seeds.split(",")) {
            if (!s.isBlank()) {
                nodes.add(HostPort.parse(s.trim(), "redis-cluster"));
            }
        }
        return new RedisEndpoint(nodes, true, password);
    }

    /** Lettuce's URIs of the nodes, with the password and {@code timeout} for connecting. */
    io.lettuce.core.RedisURI[] uris(java.time.Duration timeout) {
        io.lettuce.core.RedisURI[] out = new io.lettuce.core.RedisURI[nodes.size()];
        for (int i = 0; i < out.length; i++) {
            HostPort hp = nodes.get(i);
            io.lettuce.core.RedisURI.Builder b = io.lettuce.core.RedisURI.builder().withHost(hp.host()).withPort(hp.port())
                    .withTimeout(timeout);
            password.ifPresent(pw -> b.withPassword(pw.toCharArray()));
            out[i] = b.build();
        }
        return out;
    }

    @Override
    public String toString() {
        return (cluster ? "redis-cluster " : "redis ") + nodes + (password.isPresent() ? " (with password)" : "");
    }

    /** One node's address. */
    public record HostPort(String host, int port) {
        public HostPort {
            if (host == null || host.isBlank()) {
                throw new IllegalArgumentException("redis: host is empty");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("redis: port " + port + " is not a port");
            }
        }

        static HostPort parse(String s, String setting) {
            String text = s.contains("://") ? s : "redis://" + s;
            URI uri;
            try {
                uri = URI.create(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(setting + ": \"" + s + "\" is not host:port or redis://host:port");
            }
            if (!"redis".equals(uri.getScheme())) {
                throw new IllegalArgumentException(setting + ": \"" + s + "\": only redis:// is supported");
            }
            if (uri.getUserInfo() != null) {
                throw new IllegalArgumentException(setting + ": \"" + s
                        + "\" carries credentials; set the password in CAIRN_REDIS_PASSWORD instead");
            }
            if (uri.getHost() == null || uri.getPort() < 0) {
                throw new IllegalArgumentException(setting + ": \"" + s + "\" needs a host and a port");
            }
            return new HostPort(uri.getHost(), uri.getPort());
        }

        @Override
        public String toString() {
            return host + ":" + port;
        }
    }
}
