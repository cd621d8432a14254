package io.cairn.server.ipns;

import io.cairn.ipns.InvalidIpnsRecordException;
import io.cairn.ipns.IpnsName;
import io.cairn.ipns.IpnsRecord;
import io.cairn.server.gateway.GatewayException;
import io.cairn.server.gateway.NameResolver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

/**
 * IPNS on this node: the key store and record store under the data directory, publishing (a signed
 * V2 record with the next sequence number) and resolution through the stored records, following
 * {@code /ipns/} indirections. No network: a name resolves when its record was published here or
 * put with {@code routing/put}.
 */
public final class Ipns implements NameResolver {
    /** Most {@code /ipns/ → /ipns/} hops followed before giving up, as Kubo limits recursion. */
    static final int MAX_DEPTH = 32;

    private final KeyStore keys;
    private final RecordStore records;
    private final Clock clock;
    private final DnsLink dnsLink;

    public Ipns(Path dataDir, Clock clock) {
        this(dataDir, clock, new DnsLink(null));
    }

    /** With DNSLink names looked up through {@code dnsLink}. */
    public Ipns(Path dataDir, Clock clock, DnsLink dnsLink) {
        this.keys = new KeyStore(dataDir.resolve("keystore"));
        this.records = new RecordStore(dataDir.resolve("ipns"), clock);
        this.clock = clock;
        this.dnsLink = dnsLink;
    }

    public KeyStore keys() {
        return keys;
    }

    public RecordStore records() {
        return records;
    }

    /** Signs {@code value} with {@code key}, one sequence past the stored record, and stores it. */
    public IpnsRecord publish(KeyStore.Key key, String value, Duration lifetime, Duration ttl) throws IOException {
        long seq = records.stored(key.id()).map(r -> r.sequence() + 1).orElse(0L);
        Instant until = clock.instant().plus(lifetime);
        IpnsRecord r = IpnsRecord.create(key.privateData(), value, seq, until, ttl);
        return records.put(key.id(), r.bytes());
    }

    /**
     * Follows {@code name}'s record, and the records its value names, to a path that is not
     * {@code /ipns/} (or, with {@code recursive} false, one step).
     *
     * @throws InvalidIpnsRecordException no record, an expired one, or a loop
     */
    public String resolvePath(String name, boolean recursive) throws IOException {
        return follow(name, recursive).path();
    }

    private Resolution follow(String name, boolean recursive) throws IOException {
        String at = name.startsWith("/ipns/") ? name : "/ipns/" + name;
        Duration ttl = null;
        boolean unknownTtl = false;
        Set<String> seen = new HashSet<>();
        for (int depth = 0; depth < MAX_DEPTH; depth++) {
            String rest = at.substring("/ipns/".length());
            int slash = rest.indexOf('/');
            String key = slash < 0 ? rest : rest.substring(0, slash);
            String tail = slash < 0 ? "" : rest.substring(slash);
            if (DnsLink.isDomain(key)) {
                if (!seen.add(key)) {
                    throw new InvalidIpnsRecordException("DNSLink of " + name + " loops back to " + key);
                }
                String target;
                try {
                    target = dnsLink.lookup(key).orElseThrow(() -> new InvalidIpnsRecordException(
                            "no IPNS record for " + key + ": it has no dnslink= TXT record at _dnslink." + key));
                } catch (IllegalStateException e) {
                    throw new InvalidIpnsRecordException(e.getMessage(), e);
                }
                // DNS answers carry a TTL that JNDI does not expose: the resolution's TTL is unknown
                unknownTtl = true;
                at = target + tail;
            } else {
                IpnsName n = IpnsName.parse(key);
                if (!seen.add(n.toString())) {
                    throw new InvalidIpnsRecordException("IPNS records of " + name + " loop back to " + n);
                }
                IpnsRecord r = records.get(n).orElseThrow(() -> new InvalidIpnsRecordException(
                        "no IPNS record for " + n + " on this node (publish one or put it with routing/put)"));
                Duration d = r.cacheFor(clock.instant());
                ttl = ttl == null || d.compareTo(ttl) < 0 ? d : ttl;
                at = r.value() + tail;
            }
            if (!recursive || !at.startsWith("/ipns/")) {
                return new Resolution(at, unknownTtl ? null : ttl);
            }
        }
        throw new InvalidIpnsRecordException("more than " + MAX_DEPTH + " IPNS indirections from " + name);
    }

    @Override
    public Resolution resolve(String name) {
        try {
            if (!DnsLink.isDomain(name)) {
                IpnsName.parse(name);
            }
        } catch (InvalidIpnsRecordException e) {
            throw GatewayException.badRequest(e.getMessage());
        }
        try {
            Resolution r = follow(name, true);
            if (!r.path().startsWith("/ipfs/")) {
                throw new GatewayException(GatewayException.Kind.BAD_GATEWAY_DATA, "IPNS name " + name + " points at "
                        + r.path() + ", which this gateway cannot serve");
            }
            return r;
        } catch (InvalidIpnsRecordException e) {
            throw gatewayError(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A host is served as a DNSLink name when it looks like a domain and has a dnslink TXT record. */
    @Override
    public boolean servesHost(String host) {
        if (!DnsLink.isDomain(host)) {
            return false;
        }
        try {
            return dnsLink.lookup(host).isPresent();
        } catch (IllegalStateException e) {
            return false;
        }
    }

    @Override
    public byte[] record(String name) {
        return verified(name).bytes();
    }

    @Override
    public Duration recordTtl(String name) {
        return verified(name).cacheFor(clock.instant());
    }

    private IpnsRecord verified(String name) {
        IpnsName n;
        try {
            n = IpnsName.parse(name);
        } catch (InvalidIpnsRecordException e) {
            throw GatewayException.badRequest(e.getMessage());
        }
        try {
            return records.get(n).orElseThrow(() -> GatewayException.notFound("no IPNS record for " + n + " on this node"));
        } catch (InvalidIpnsRecordException e) {
            throw gatewayError(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static GatewayException gatewayError(InvalidIpnsRecordException e) {
        return e.getMessage().startsWith("no IPNS record") ? GatewayException.notFound(e.getMessage())
                : new GatewayException(GatewayException.Kind.BAD_GATEWAY_DATA, "IPNS record refused: " + e.getMessage());
    }
}
