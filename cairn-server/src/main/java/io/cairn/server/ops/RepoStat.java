package io.cairn.server.ops;

import io.cairn.blockstore.BlockNotFoundException;
import io.cairn.blockstore.Blockstore;
import io.cairn.cid.Cid;

import java.util.Iterator;
import java.util.stream.Stream;

/**
 * What {@code repo/stat} reports about a store: how many blocks it holds and their bytes, counted by
 * walking every key (as Kubo counts its datastore's keys). Block bytes only: the pin file and the
 * file system's own overhead are not included.
 */
public record RepoStat(long numObjects, long repoSize) {
    /** Kubo's value for "no limit" ({@code math.MaxUint64}), written as an unsigned number. */
    public static final String NO_LIMIT = Long.toUnsignedString(-1L);

    public static RepoStat of(Blockstore store) {
        long n = 0;
        long bytes = 0;
        try (Stream<Cid> keys = store.allKeys()) {
            Iterator<Cid> it = keys.iterator();
            while (it.hasNext()) {
                Cid key = it.next();
                try {
                    bytes += store.getSize(key);
                    n++;
                } catch (BlockNotFoundException e) {
                    // removed while we counted
                }
            }
        }
        return new RepoStat(n, bytes);
    }
}
