package io.cairn.car;

import java.util.Objects;

import io.cairn.cid.Cid;

/**
 * One section of a CAR: a CID and the bytes stored under it, exactly as read (not verified
 * against the CID; the caller that stores them checks hashes). The array is not copied.
 */
public record CarBlock(Cid cid, byte[] data) {
    public CarBlock {
        Objects.requireNonNull(cid, "cid");
        Objects.requireNonNull(data, "data");
    }
}
