package io.cairn.blockstore;

import java.util.Collection;
import java.util.Objects;

import io.cairn.cid.Cid;

/**
 * Puts a {@link StorageGovernor} in front of a store: a write that would pass {@code storage-max} is
 * refused with {@link StorageFullException} before anything is written, unless the block is already
 * stored (a duplicate needs no space); a write the file system refuses for lack of space is reported
 * to the governor, which then answers "full" until space comes back. Reads are never refused.
 */
public final class StorageLimitedBlockstore extends ForwardingBlockstore {
    private final StorageGovernor governor;

    public StorageLimitedBlockstore(Blockstore delegate, StorageGovernor governor) {
        super(delegate);
        this.governor = Objects.requireNonNull(governor, "governor");
    }

    public StorageGovernor governor() {
        return governor;
    }

    @Override
    public void put(Block block) {
        admit(block.size(), () -> super.has(block.cid()));
        write(() -> super.put(block));
    }

    @Override
    public void putMany(Collection<Block> blocks) {
        long total = 0;
        for (Block b : blocks) {
            total += b.size();
        }
        admit(total, () -> blocks.stream().allMatch(b -> super.has(b.cid())));
        write(() -> super.putMany(blocks));
    }

    @Override
    public boolean delete(Cid cid) {
        boolean removed = super.delete(cid);
        if (removed) {
            governor.removed();
        }
        return removed;
    }

    private void admit(long bytes, java.util.function.BooleanSupplier alreadyStored) {
        try {
            governor.admit(bytes);
        } catch (StorageFullException e) {
            if (!alreadyStored.getAsBoolean()) {
                governor.refused(e);
                throw e;
            }
        }
    }

    private void write(Runnable write) {
        try {
            write.run();
        } catch (StorageFullException e) {
            if (e.reason() == StorageFullException.Cause.NO_SPACE) {
                governor.noSpace(e);
            }
            throw e;
        }
        governor.written();
    }
}
