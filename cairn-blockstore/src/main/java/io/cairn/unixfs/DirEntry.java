package io.cairn.unixfs;

import io.cairn.cid.Cid;

/**
 * One entry of a UnixFS directory (plain or HAMT-sharded).
 *
 * @param tsize the cumulative DAG size the parent's link records, -1 when absent
 */
public record DirEntry(String name, Cid cid, long tsize) {
}
