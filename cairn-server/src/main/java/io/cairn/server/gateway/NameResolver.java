package io.cairn.server.gateway;

import java.time.Duration;

/**
 * Resolves the mutable names under {@code /ipns/}: IPNS keys (and, where supported, DNSLink
 * domains) to an immutable {@code /ipfs/} path. An optional capability of the gateway: without one,
 * {@code /ipns/} is a {@code 404}.
 */
public interface NameResolver {
    /**
     * @param path the {@code /ipfs/{cid}[/…]} path the name points at (after every indirection)
     * @param ttl  how long the answer may be cached, or null when unknown
     */
    record Resolution(String path, Duration ttl) {
    }

    /**
     * @throws GatewayException 400 for something that is not a name, 404 when nothing is known for it,
     *                          502 for a record that no longer verifies (expired)
     */
    Resolution resolve(String name);

    /** The verified record of an IPNS key name, as stored. @throws GatewayException as {@link #resolve} */
    byte[] record(String name);

    /** How long {@link #record}'s answer may be cached, or null. */
    Duration recordTtl(String name);

    /**
     * Whether requests whose {@code Host} is {@code host} are for that DNSLink name (the DNSLink
     * gateway: {@code Host: example.org} with path {@code /a} serves {@code /ipns/example.org/a}).
     */
    default boolean servesHost(String host) {
        return false;
    }

    NameResolver NONE = new NameResolver() {
        @Override
        public Resolution resolve(String name) {
            throw GatewayException.notFound("this gateway resolves no /ipns/ names");
        }

        @Override
        public byte[] record(String name) {
            throw GatewayException.notFound("this gateway holds no IPNS records");
        }

        @Override
        public Duration recordTtl(String name) {
            return null;
        }
    };
}
