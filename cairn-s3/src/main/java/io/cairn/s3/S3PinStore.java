package io.cairn.s3;

import io.cairn.cid.Cid;
import io.cairn.cid.InvalidCidException;
import io.cairn.pin.PinStore;
import io.cairn.pin.PinStoreException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Pins kept in the store of record, beside the blocks, so that every node sharing a bucket and
 * prefix sees every pin and no node's collection deletes what another pinned: one small object per
 * pin root,
 * <pre>
 * &lt;prefix&gt;/pins/recursive/&lt;CID&gt;
 * &lt;prefix&gt;/pins/direct/&lt;CID&gt;
 * </pre>
 * The type is in the key, so one {@code ListObjectsV2} (1,000 pins a page) reads the whole set
 * without a {@code GET} per pin. A pin is added with a conditional {@code PUT} ({@code If-None-Match: *}):
 * of two nodes pinning one CID at once exactly one creates the object and is told "added", the other
 * "already pinned". Upgrading a direct pin writes the recursive object first and then deletes the
 * direct one, so at every moment one of them covers the CID (a reader seeing both takes the recursive
 * one). Nothing is remembered locally: every read asks the bucket, which is strongly consistent for
 * reads after writes and for listings (see docs/S3.md), so a pin acknowledged on one node is seen by
 * the next collection on any node.
 *
 * <p>Why not Redis, though the nodes share one: Redis is this deployment's best-effort cache. It may
 * evict keys, refuse writes at {@code maxmemory}, lose acknowledged writes in a failover, or be absent
 * altogether (every node then runs without it), and a pin that vanishes lets the next collection delete
 * pinned blocks. The bucket is where the blocks' durability already rests.
 *
 * <p>The object keys never end in {@code .data} and {@code pins} is not a two-character shard, so
 * {@link S3Blockstore#allKeys()} never reports a pin object as a block.
 */
public final class S3PinStore implements PinStore {
    static final String FOLDER = "pins/";
    private static final String RECURSIVE = "recursive/";
    private static final String DIRECT = "direct/";

    private final S3Client client;
    private final boolean ownsClient;
    private final S3Settings settings;
    private final String root;

    private S3PinStore(S3Client client, boolean ownsClient, S3Settings settings) {
        this.client = Objects.requireNonNull(client, "client");
        this.ownsClient = ownsClient;
        this.settings = Objects.requireNonNull(settings, "settings");
        this.root = new S3Layout(settings.prefix()).listPrefix() + FOLDER;
    }

    /** Pins in {@code settings}' bucket and prefix, over a client of its own (default credentials). */
    public static S3PinStore open(S3Settings settings) {
        return new S3PinStore(S3Clients.build(settings, null), true, settings);
    }

    /** Pins over a client the caller keeps ownership of. */
    public static S3PinStore over(S3Client client, S3Settings settings) {
        return new S3PinStore(client, false, settings);
    }

    /** The object key of a pin: {@code <prefix>/pins/recursive/<CID>} or {@code .../direct/<CID>}. */
    String key(Cid cid, boolean recursive) {
        return root + (recursive ? RECURSIVE : DIRECT) + cid;
    }

    @Override
    public boolean isRecursive(Cid cid) {
        return exists(key(cid, true));
    }

    @Override
    public boolean isDirect(Cid cid) {
        return exists(key(cid, false)) && !isRecursive(cid);
    }

    @Override
    public List<Cid> recursive() {
        return snapshot().recursive();
    }

    @Override
    public List<Cid> direct() {
        return snapshot().direct();
    }

    @Override
    public Snapshot snapshot() {
        List<Cid> recursive = new ArrayList<>();
        List<Cid> direct = new ArrayList<>();
        call("list the pins", () -> {
            for (S3Object o : client.listObjectsV2Paginator(b -> b.bucket(settings.bucket()).prefix(root)).contents()) {
                String rest = o.key().substring(root.length());
                boolean r = rest.startsWith(RECURSIVE);
                if (!r && !rest.startsWith(DIRECT)) {
                    continue; // not a pin of this layout
                }
                Cid cid;
                try {
                    cid = Cid.parse(rest.substring(r ? RECURSIVE.length() : DIRECT.length()));
                } catch (InvalidCidException e) {
                    throw new PinStoreException("the pin object " + o.key() + " does not name a CID; Cairn will not guess"
                            + " which blocks are pinned. Remove or rename it");
                }
                (r ? recursive : direct).add(cid);
            }
            return null;
        });
        // A CID pinned both ways is in the middle of an upgrade to recursive: the recursive pin covers it.
        if (!direct.isEmpty() && !recursive.isEmpty()) {
            java.util.Set<Cid> r = new java.util.HashSet<>(recursive);
            direct.removeIf(r::contains);
        }
        return new Snapshot(recursive, direct);
    }

    @Override
    public int size() {
        Snapshot s = snapshot();
        return s.recursive().size() + s.direct().size();
    }

    @Override
    public boolean addRecursive(Cid cid) {
        if (!create(key(cid, true), "recursive")) {
            return false;
        }
        delete(key(cid, false)); // the recursive pin covers a direct one; DELETE of a missing key succeeds
        return true;
    }

    @Override
    public boolean addDirect(Cid cid) {
        return create(key(cid, false), "direct");
    }

    @Override
    public boolean removeRecursive(Cid cid) {
        return remove(key(cid, true));
    }

    @Override
    public boolean removeDirect(Cid cid) {
        return remove(key(cid, false));
    }

    @Override
    public boolean shared() {
        return true;
    }

    @Override
    public String describe() {
        return "s3 " + settings.describe() + "/" + FOLDER;
    }

    @Override
    public void close() {
        if (ownsClient) {
            client.close();
        }
    }

    /** A conditional PUT: true if this call created the object, false if it was there already. */
    private boolean create(String key, String type) {
        byte[] body = ("cairn pin " + type + "\n").getBytes(StandardCharsets.UTF_8);
        return call("record the pin " + key, () -> {
            try {
                client.putObject(b -> b.bucket(settings.bucket()).key(key).ifNoneMatch("*")
                        .contentType("text/plain").contentLength((long) body.length), RequestBody.fromBytes(body));
                return true;
            } catch (SdkServiceException e) {
                if (e.statusCode() == 412) {
                    return false;
                }
                if (e.statusCode() == 409) {
                    // a concurrent conditional write of the same key: whoever won, the pin is there
                    if (exists(key)) {
                        return false;
                    }
                }
                throw e;
            }
        });
    }

    private boolean remove(String key) {
        if (!exists(key)) {
            return false;
        }
        delete(key);
        return true;
    }

    private void delete(String key) {
        call("remove the pin " + key, () -> client.deleteObject(b -> b.bucket(settings.bucket()).key(key)));
    }

    private boolean exists(String key) {
        return call("read the pin " + key, () -> {
            try {
                client.headObject(b -> b.bucket(settings.bucket()).key(key));
                return true;
            } catch (SdkServiceException e) {
                if (e.statusCode() == 404) {
                    return false;
                }
                throw e;
            }
        });
    }

    /** Runs one request; a failure is a {@link PinStoreException} naming what could not be done, and where. */
    private <T> T call(String what, Supplier<T> request) {
        try {
            return request.get();
        } catch (SdkServiceException e) {
            throw new PinStoreException("cannot " + what + " in " + settings.describe() + ": S3 answered "
                    + e.statusCode() + " (" + e.getMessage() + ")", e);
        } catch (SdkException e) {
            throw new PinStoreException("cannot " + what + " in " + settings.describe() + ": " + e.getMessage(), e);
        }
    }
}
