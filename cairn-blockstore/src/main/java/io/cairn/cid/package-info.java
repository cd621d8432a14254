/**
 * Content addressing as the multiformats specifications define it: {@link io.cairn.cid.Cid}
 * (v0 and v1), {@link io.cairn.cid.Multihash} over the {@link io.cairn.cid.HashFunction}s Cairn can
 * compute, {@link io.cairn.cid.Multibase} text encodings, {@link io.cairn.cid.Multicodec} names
 * and the unsigned {@link io.cairn.cid.Varint}s that tie them together.
 *
 * <p>All types are immutable and thread-safe. Every decoding failure is an
 * {@link io.cairn.cid.InvalidCidException} whose message quotes the input and says what is wrong,
 * so callers at the edge (HTTP, CLI) can pass it on unchanged.
 */
package io.cairn.cid;
