package io.cairn.ipns;

import io.cairn.cid.Cid;
import io.cairn.cid.HashFunction;
import io.cairn.cid.Multibase;
import io.cairn.cid.Multicodec;
import io.cairn.cid.Multihash;

import java.util.Arrays;

/**
 * An IPNS name: the multihash of a serialized libp2p public key (for Ed25519 the key itself, inlined
 * with the identity hash). Written as a CIDv1 with the {@code libp2p-key} codec in base36
 * ({@code k51…}); legacy base58 peer IDs ({@code 12D3Koo…}, {@code Qm…}) and other multibases of the
 * CID are read too.
 */
public record IpnsName(Multihash multihash) {
    /** Reads a name, with or without a leading {@code /ipns/}. @throws InvalidIpnsRecordException when it is not one */
    public static IpnsName parse(String text) {
        String t = text.startsWith("/ipns/") ? text.substring(6) : text;
        try {
            if (t.startsWith("12D3Koo") || t.startsWith("Qm") && t.length() == 46) {
                return new IpnsName(Multihash.decode(Multibase.BASE58BTC.decodeRaw(t)));
            }
            Cid c = Cid.parseAny(t);
            if (c.codec() != Multicodec.LIBP2P_KEY) {
                throw new InvalidIpnsRecordException("'" + t + "' is a CID with codec "
                        + Multicodec.name(c.codec()).orElse("0x" + Long.toHexString(c.codec()))
                        + ", not libp2p-key, so it is not an IPNS name");
            }
            return new IpnsName(c.multihash());
        } catch (IllegalArgumentException e) {
            throw new InvalidIpnsRecordException("'" + t + "' is not an IPNS name (a libp2p-key CID such as k51…): "
                    + e.getMessage(), e);
        }
    }

    /** The name of an Ed25519 public key (32 bytes), inlined as identity. */
    public static IpnsName ofEd25519(byte[] publicKey) {
        return new IpnsName(Multihash.of(HashFunction.IDENTITY.code(), Ed25519Key.marshal(publicKey)));
    }

    /** The Ed25519 public key inlined in the name, or null when the name is a hash of a key. */
    public byte[] inlinedPublicKey() {
        if (multihash.code() != HashFunction.IDENTITY.code()) {
            return null;
        }
        return Ed25519Key.unmarshal(multihash.digest(), 32);
    }

    /** Whether this name is the name of {@code publicKeyProtobuf} (a serialized libp2p PublicKey). */
    public boolean isNameOf(byte[] publicKeyProtobuf) {
        if (multihash.code() == HashFunction.IDENTITY.code()) {
            return Arrays.equals(multihash.digest(), publicKeyProtobuf);
        }
        return multihash.function().map(f -> Multihash.digest(f, publicKeyProtobuf).equals(multihash)).orElse(false);
    }

    public Cid cid() {
        return Cid.v1(Multicodec.LIBP2P_KEY, multihash);
    }

    /** {@code k51…}: the CIDv1 in base36, as Kubo prints names. */
    @Override
    public String toString() {
        return cid().toString(Multibase.BASE36);
    }
}
