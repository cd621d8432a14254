package io.cairn.ipns;

import io.cairn.unixfs.ProtoReader;
import io.cairn.unixfs.ProtoWriter;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;

/**
 * Ed25519 keys in libp2p's serialization ({@code PublicKey}/{@code PrivateKey} protobufs:
 * {@code Type = 1} Ed25519, {@code Data} the 32-byte public key, or the 32-byte seed followed by the
 * public key), signing and verifying with the JDK's EdDSA provider.
 */
public final class Ed25519Key {
    /** libp2p {@code KeyType}: RSA 0, Ed25519 1, Secp256k1 2, ECDSA 3. */
    public static final int TYPE_ED25519 = 1;
    private static final String[] TYPE_NAMES = {"RSA", "Ed25519", "Secp256k1", "ECDSA"};
    /** DER of SubjectPublicKeyInfo for Ed25519 up to the 32 key bytes (RFC 8410). */
    private static final byte[] X509_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
    /** DER of a PKCS#8 OneAsymmetricKey for Ed25519 up to the 32 seed bytes (RFC 8410). */
    private static final byte[] PKCS8_PREFIX = {0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70,
            0x04, 0x22, 0x04, 0x20};

    private Ed25519Key() {
    }

    /** A new key pair: {@code [seed(32) | public(32)]}, libp2p's private key data. */
    public static byte[] generate() {
        try {
            KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            byte[] seed = tail(kp.getPrivate().getEncoded(), 32);
            byte[] pub = tail(kp.getPublic().getEncoded(), 32);
            byte[] both = Arrays.copyOf(seed, 64);
            System.arraycopy(pub, 0, both, 32, 32);
            return both;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no Ed25519", e);
        }
    }

    /** The public half of {@link #generate}'s output. */
    public static byte[] publicOf(byte[] privateData) {
        return Arrays.copyOfRange(privateData, 32, 64);
    }

    /** Signs {@code message} with the seed of {@code privateData}. */
    public static byte[] sign(byte[] privateData, byte[] message) {
        try {
            byte[] der = Arrays.copyOf(PKCS8_PREFIX, PKCS8_PREFIX.length + 32);
            System.arraycopy(privateData, 0, der, PKCS8_PREFIX.length, 32);
            PrivateKey k = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der));
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(k);
            s.update(message);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    /** Whether {@code signature} is {@code publicKey}'s signature of {@code message}; a malformed key or signature is false. */
    public static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        if (publicKey.length != 32 || signature.length != 64) {
            return false;
        }
        try {
            byte[] der = Arrays.copyOf(X509_PREFIX, X509_PREFIX.length + 32);
            System.arraycopy(publicKey, 0, der, X509_PREFIX.length, 32);
            PublicKey k = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(k);
            s.update(message);
            return s.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    /** libp2p's {@code PublicKey {Type = 1; Data = 2}} (or {@code PrivateKey}) protobuf. */
    public static byte[] marshal(byte[] keyData) {
        return new ProtoWriter(keyData.length + 4).varintField(1, TYPE_ED25519).bytesField(2, keyData).toByteArray();
    }

    /**
     * The Ed25519 key data of a libp2p {@code PublicKey}/{@code PrivateKey} protobuf.
     *
     * @param expectedLength 32 for a public key, 64 for a private one
     * @throws InvalidIpnsRecordException a key of another type or a malformed one
     */
    public static byte[] unmarshal(byte[] protobuf, int expectedLength) {
        long type = -1;
        byte[] data = null;
        try {
            ProtoReader r = new ProtoReader(protobuf, 0, protobuf.length, "libp2p key");
            while (r.more()) {
                int at = r.pos();
                long key = r.varint();
                int field = (int) (key >>> 3);
                int wire = (int) (key & 7);
                if (field == 1 && wire == ProtoReader.VARINT) {
                    type = r.varint();
                } else if (field == 2 && wire == ProtoReader.LEN) {
                    int s = r.lengthDelimited();
                    data = Arrays.copyOfRange(protobuf, s, r.pos());
                } else {
                    throw r.fail(at, "unexpected field " + field + " (wire type " + wire + ")");
                }
            }
        } catch (RuntimeException e) {
            throw new InvalidIpnsRecordException("malformed public key: " + e.getMessage(), e);
        }
        if (type != TYPE_ED25519) {
            String name = type >= 0 && type < TYPE_NAMES.length ? TYPE_NAMES[(int) type] : "type " + type;
            throw new InvalidIpnsRecordException("the key is " + name + "; only Ed25519 keys are supported");
        }
        if (data == null || data.length != expectedLength) {
            throw new InvalidIpnsRecordException("an Ed25519 key must hold " + expectedLength + " bytes, this one holds "
                    + (data == null ? 0 : data.length));
        }
        return data;
    }

    private static byte[] tail(byte[] b, int n) {
        return Arrays.copyOfRange(b, b.length - n, b.length);
    }
}
