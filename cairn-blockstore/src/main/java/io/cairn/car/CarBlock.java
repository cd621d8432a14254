package io.cairn.car;

import java.util.Arrays;
import java.util.Objects;

import io.cairn.cid.Cid;

/**
 * One section of a CAR: a CID and the bytes stored under it, exactly as read (not verified
 * against the CID; the caller that stores them checks hashes). The array is not copied, but
 * equality compares its contents so blocks behave as values.
 */
public record CarBlock(Cid cid, byte[] data) {
    public CarBlock {
        Objects.requireNonNull(cid, "cid");
        Objects.requireNonNull(data, "data");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CarBlock other && cid.equals(other.cid) && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return cid.hashCode() * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "CarBlock[" + cid + ", " + data.length + " bytes]";
    }
}
