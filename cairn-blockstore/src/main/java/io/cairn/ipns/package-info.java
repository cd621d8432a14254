/**
 * IPNS (https://specs.ipfs.tech/ipns/ipns-record/): names ({@link io.cairn.ipns.IpnsName}, the
 * multihash of a libp2p public key), Ed25519 keys through the JDK's EdDSA
 * ({@link io.cairn.ipns.Ed25519Key}), and records ({@link io.cairn.ipns.IpnsRecord}: protobuf
 * {@code IpnsEntry} parsed, its V2 signature over the DAG-CBOR {@code data} verified, created and
 * signed). V1-only records are refused.
 */
package io.cairn.ipns;
