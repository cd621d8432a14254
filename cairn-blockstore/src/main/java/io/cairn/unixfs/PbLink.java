package io.cairn.unixfs;

import io.cairn.cid.Cid;

/**
 * One dag-pb link: {@code PBLink { bytes Hash = 1; string Name = 2; uint64 Tsize = 3; }}.
 *
 * @param name  the link's name, empty when absent
 * @param tsize the cumulative size of the linked DAG, -1 when absent
 */
public record PbLink(Cid hash, String name, long tsize) {
}
