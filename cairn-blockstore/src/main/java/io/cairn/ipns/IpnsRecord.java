package io.cairn.ipns;

import io.cairn.ipld.DagCbor;
import io.cairn.unixfs.ProtoReader;
import io.cairn.unixfs.ProtoWriter;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An IPNS record, the protobuf {@code IpnsEntry}: {@code value = 1; signatureV1 = 2; validityType = 3;
 * validity = 4; sequence = 5; ttl = 6; pubKey = 7; signatureV2 = 8; data = 9}. Only the signed
 * DAG-CBOR {@code data} is trusted: {@link #verify} checks the V2 signature over
 * {@code "ipns-signature:" + data} with the key the name inlines (or {@code pubKey}, which must hash
 * to the name), that any V1 copies agree with {@code data}, and that the record has not expired.
 * A record with only a V1 signature is refused.
 *
 * @param bytes the record as received (what {@code ?format=ipns-record} serves back)
 */
public record IpnsRecord(byte[] bytes, String value, Instant validity, long sequence, Duration ttl,
                         byte[] pubKey, byte[] signatureV2, byte[] data, V1 v1) {
    /** The largest record the spec requires implementations to handle. */
    public static final int MAX_SIZE = 10 * 1024;
    /** The spec's suggested default TTL. */
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(5);
    private static final byte[] SIGNATURE_PREFIX = "ipns-signature:".getBytes(StandardCharsets.US_ASCII);

    /** The legacy V1 copies, each null when absent. */
    public record V1(byte[] value, byte[] signature, Long validityType, byte[] validity, Long sequence, Long ttl) {
        boolean present() {
            return value != null || signature != null;
        }
    }

    /**
     * Parses a record without verifying it.
     *
     * @throws InvalidIpnsRecordException too large, not an IpnsEntry, or without V2 data
     */
    public static IpnsRecord parse(byte[] bytes) {
        if (bytes.length > MAX_SIZE) {
            throw new InvalidIpnsRecordException("the record is " + bytes.length + " bytes, over the " + MAX_SIZE + "-byte limit");
        }
        byte[][] f = new byte[10][];
        Long[] n = new Long[10];
        try {
            ProtoReader r = new ProtoReader(bytes, 0, bytes.length, "IpnsEntry");
            while (r.more()) {
                int at = r.pos();
                long key = r.varint();
                int field = (int) (key >>> 3);
                int wire = (int) (key & 7);
                if (wire == ProtoReader.LEN && field >= 1 && field <= 9) {
                    int s = r.lengthDelimited();
                    f[field] = Arrays.copyOfRange(bytes, s, r.pos());
                } else if (wire == ProtoReader.VARINT) {
                    long v = r.varint();
                    if (field >= 1 && field <= 9) {
                        n[field] = v;
                    }
                } else if (wire == ProtoReader.LEN) {
                    r.lengthDelimited(); // unknown field: ignored, as the spec asks
                } else {
                    throw r.fail(at, "unexpected wire type " + wire + " for field " + field);
                }
            }
        } catch (InvalidIpnsRecordException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new InvalidIpnsRecordException("not an IPNS record: " + e.getMessage(), e);
        }
        V1 v1 = new V1(f[1], f[2], n[3], f[4], n[5], n[6]);
        if (f[8] == null || f[8].length == 0 || f[9] == null || f[9].length == 0) {
            throw new InvalidIpnsRecordException(v1.present()
                    ? "a V1-only record (no signatureV2 and data): V1 signatures are not accepted, republish it with a current implementation"
                    : "the record has no signatureV2 or no data");
        }
        Map<?, ?> data;
        try {
            if (!(DagCbor.decode(f[9]) instanceof Map<?, ?> m)) {
                throw new InvalidIpnsRecordException("the record's data is not a DAG-CBOR map");
            }
            data = m;
        } catch (InvalidIpnsRecordException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new InvalidIpnsRecordException("the record's data is not DAG-CBOR: " + e.getMessage(), e);
        }
        byte[] value = bytesField(data, "Value");
        long validityType = longField(data, "ValidityType");
        if (validityType != 0) {
            throw new InvalidIpnsRecordException("ValidityType " + validityType + " is not supported (only 0, EOL)");
        }
        Instant validity = parseTime(new String(bytesField(data, "Validity"), StandardCharsets.US_ASCII));
        long sequence = longField(data, "Sequence");
        long ttl = longField(data, "TTL");
        return new IpnsRecord(bytes, new String(value, StandardCharsets.UTF_8), validity, sequence, Duration.ofNanos(ttl),
                f[7], f[8], f[9], v1);
    }

    /**
     * Checks the record against its name at {@code now}: signature, V1 consistency, expiry.
     *
     * @return this record
     * @throws InvalidIpnsRecordException saying what is wrong
     */
    public IpnsRecord verify(IpnsName name, Instant now) {
        byte[] key;
        if (pubKey != null) {
            if (!name.isNameOf(pubKey)) {
                throw new InvalidIpnsRecordException("the record's public key is not the key of " + name);
            }
            key = Ed25519Key.unmarshal(pubKey, 32);
        } else {
            key = name.inlinedPublicKey();
            if (key == null) {
                throw new InvalidIpnsRecordException(name + " is a hash of its key and the record carries no public key");
            }
        }
        byte[] signed = Arrays.copyOf(SIGNATURE_PREFIX, SIGNATURE_PREFIX.length + data.length);
        System.arraycopy(data, 0, signed, SIGNATURE_PREFIX.length, data.length);
        if (!Ed25519Key.verify(key, signed, signatureV2)) {
            throw new InvalidIpnsRecordException("the record's signatureV2 does not verify with the key of " + name);
        }
        if (v1.present()) {
            Map<?, ?> m = (Map<?, ?>) DagCbor.decode(data);
            if (!Arrays.equals(v1.value(), bytesField(m, "Value"))
                    || v1.validity() != null && !Arrays.equals(v1.validity(), bytesField(m, "Validity"))
                    || v1.validityType() != null && v1.validityType() != longField(m, "ValidityType")
                    || v1.sequence() != null && v1.sequence() != longField(m, "Sequence")
                    || v1.ttl() != null && v1.ttl() != longField(m, "TTL")) {
                throw new InvalidIpnsRecordException("the record's V1 fields disagree with its signed data");
            }
        }
        if (!validity.isAfter(now)) {
            throw new InvalidIpnsRecordException("the record for " + name + " expired at " + validity);
        }
        return this;
    }

    /** Parses and verifies in one step. */
    public static IpnsRecord verified(byte[] bytes, IpnsName name, Instant now) {
        return parse(bytes).verify(name, now);
    }

    /**
     * A new V2 record for {@code value}, signed with {@code privateData} ({@link Ed25519Key#generate}'s form).
     */
    public static IpnsRecord create(byte[] privateData, String value, long sequence, Instant validity, Duration ttl) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("Value", value.getBytes(StandardCharsets.UTF_8));
        data.put("Validity", DateTimeFormatter.ISO_INSTANT.format(validity).getBytes(StandardCharsets.US_ASCII));
        data.put("ValidityType", 0L);
        data.put("Sequence", sequence);
        data.put("TTL", ttl.toNanos());
        byte[] cbor = DagCbor.encode(data);
        byte[] signed = Arrays.copyOf(SIGNATURE_PREFIX, SIGNATURE_PREFIX.length + cbor.length);
        System.arraycopy(cbor, 0, signed, SIGNATURE_PREFIX.length, cbor.length);
        byte[] sig = Ed25519Key.sign(privateData, signed);
        byte[] entry = new ProtoWriter(cbor.length + 96).bytesField(8, sig).bytesField(9, cbor).toByteArray();
        return parse(entry);
    }

    /** Which of two valid records for one name wins: the higher sequence, then the later validity. */
    public boolean supersedes(IpnsRecord other) {
        return sequence != other.sequence ? Long.compareUnsigned(sequence, other.sequence) > 0 : validity.isAfter(other.validity);
    }

    /** How long a resolution may be cached at {@code now}: the TTL, but never past the validity. */
    public Duration cacheFor(Instant now) {
        Duration left = Duration.between(now, validity);
        return left.isNegative() ? Duration.ZERO : ttl.compareTo(left) < 0 ? ttl : left;
    }

    private static byte[] bytesField(Map<?, ?> m, String key) {
        if (!(m.get(key) instanceof byte[] b)) {
            throw new InvalidIpnsRecordException("the record's data has no " + key + " bytes");
        }
        return b;
    }

    private static long longField(Map<?, ?> m, String key) {
        if (!(m.get(key) instanceof Long l)) {
            throw new InvalidIpnsRecordException("the record's data has no " + key + " integer");
        }
        return l;
    }

    private static Instant parseTime(String text) {
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidIpnsRecordException("Validity '" + text + "' is not an RFC 3339 time", e);
        }
    }
}
