/**
 * UnixFS, the file and directory format of IPFS, over dag-pb and raw blocks: decoding
 * ({@link io.cairn.unixfs.PbNode}, {@link io.cairn.unixfs.UnixFsData}) and streaming reads
 * ({@link io.cairn.unixfs.UnixFs}): directory lookup and listing, HAMT shards included, and file
 * content by byte range with the minimal set of blocks.
 */
package io.cairn.unixfs;
