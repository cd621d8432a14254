package io.cairn.server.cli;

import io.cairn.server.ops.BlockEncoding;

import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;

/** What the block commands need, served by a running server's API or by the data directory itself. */
interface Backend extends AutoCloseable {

    record Stored(String cid, long size) {
    }

    record Removed(String cid, String error) {
    }

    record Imported(List<String> roots, long blocks, long bytes) {
    }

    /** Options of {@code put}, in Kubo's terms. */
    record PutOptions(String cidCodec, String mhtype, int mhlen, String format, boolean allowBigBlock) {
        BlockEncoding encoding() {
            return BlockEncoding.kubo(format, cidCodec, mhtype, mhlen);
        }
    }

    Stored put(Path file, PutOptions options) throws Exception;

    void get(String cid, OutputStream out) throws Exception;

    Stored stat(String cid) throws Exception;

    List<Removed> rm(List<String> cids, boolean force) throws Exception;

    /** Imports a CAR; with {@code pinRoots} its roots are pinned recursively, as Kubo's dag import does. */
    Imported importCar(Path car, ImportProgress progress, boolean pinRoots) throws Exception;

    void export(String cid, OutputStream out) throws Exception;

    /** One line of {@code add}'s answer: a file or directory path (empty for the wrapping directory) and its CID. */
    record Added(String path, String cid, long size) {
    }

    /**
     * Options of {@code add}: the query Kubo's {@code /api/v0/add} takes (cid-version, raw-leaves,
     * chunker, profile, wrap-with-directory, only-hash), as {@code key=value} pairs.
     */
    record AddOptions(java.util.Map<String, String> query) {
    }

    /** Adds files and directories as UnixFS; {@code progress} gets the bytes read so far. */
    List<Added> add(List<Path> paths, AddOptions options, java.util.function.LongConsumer progress) throws Exception;

    /** The bytes of the UnixFS file at {@code path} ({@code CID[/a/b]}), from {@code offset}, at most {@code length} (-1: all). */
    void cat(String path, long offset, long length, OutputStream out) throws Exception;

    /** One pin as listed: its CID and Kubo's type string. */
    record Pin(String cid, String type) {
    }

    /** What {@code repo stat} reports; {@code storageMax} as an unsigned decimal. */
    record RepoStats(long numObjects, long repoSize, String storageMax) {
    }

    /** Pins each CID (recursively or directly); returns the CIDs pinned. */
    List<String> pinAdd(List<String> cids, boolean recursive) throws Exception;

    /** Unpins each CID; returns the CIDs unpinned. */
    List<String> pinRm(List<String> cids, boolean recursive) throws Exception;

    /** The pins of {@code type} ({@code all}, {@code recursive}, {@code direct}, {@code indirect}), or how each of {@code cids} is pinned. */
    List<Pin> pinLs(String type, List<String> cids) throws Exception;

    /** Collects garbage; returns the keys removed. */
    List<String> gc() throws Exception;

    RepoStats repoStat() throws Exception;

    @Override
    void close();
}
