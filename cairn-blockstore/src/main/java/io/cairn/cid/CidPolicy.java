package io.cairn.cid;

/**
 * Which CIDs a block server accepts from a client, as Kubo's CID verification does (boxo
 * {@code verifcid}): the hash function must be one Cairn can compute, a hashed digest must be at
 * least {@value #MIN_DIGEST_LENGTH} bytes (shorter ones are too easy to collide), and an identity
 * digest, which carries the block itself inline, at most {@value #MAX_IDENTITY_DIGEST_LENGTH} bytes.
 *
 * <p>{@link Cid#parse} applies this policy, since text CIDs come from users; binary decoding
 * ({@link Cid#decode}, {@link Cid#read}) and {@link Cid#parseAny} do not, because links inside stored
 * data may name anything and must still decode.
 */
public final class CidPolicy {
    /** Kubo's bound on identity digests: larger inline data belongs in a real block. */
    public static final int MAX_IDENTITY_DIGEST_LENGTH = 128;
    /** Kubo's lower bound on the digest of every hash function but identity. */
    public static final int MIN_DIGEST_LENGTH = 20;

    private CidPolicy() {
    }

    /**
     * @return {@code cid} when it passes
     * @throws InvalidCidException naming the CID and the rule it breaks
     */
    public static Cid check(Cid cid) {
        Multihash mh = cid.multihash();
        HashFunction fn = HashFunction.forCode(mh.code());
        if (fn == null) {
            throw new InvalidCidException("unsupported hash function 0x" + Long.toHexString(mh.code()) + " in CID "
                    + InvalidCidException.quote(cid.toString()) + "; this server verifies only "
                    + java.util.Arrays.stream(HashFunction.values()).map(HashFunction::multihashName).toList());
        }
        int len = mh.digestLength();
        if (fn == HashFunction.IDENTITY) {
            if (len > MAX_IDENTITY_DIGEST_LENGTH) {
                throw new InvalidCidException("identity CID digest of " + len + " bytes is over the "
                        + MAX_IDENTITY_DIGEST_LENGTH + "-byte limit (store larger data as a hashed block)");
            }
        } else if (len < MIN_DIGEST_LENGTH) {
            throw new InvalidCidException(fn.multihashName() + " digest of " + len + " bytes in CID "
                    + InvalidCidException.quote(cid.toString()) + " is below the " + MIN_DIGEST_LENGTH
                    + "-byte minimum; hashes must be at least " + MIN_DIGEST_LENGTH + " bytes long");
        }
        return cid;
    }
}
