package io.cairn.blockstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, defect 2: of two concurrent puts of one block, one was acknowledged in 0.3 ms while the
 * other was still writing. It had found the other's file, renamed into place but not yet made
 * durable (the shard directory not fsynced), and returned; had the other put then failed, an
 * acknowledged block would not exist. Now every put makes the directory entry durable itself
 * before it returns, whoever wrote the file.
 */
class FlatFsDurableAckTest {
    @TempDir
    Path repo;

    @Test
    void aPutThatFindsAnotherWritersFileStillMakesItDurableBeforeReturning() throws Exception {
        try (FlatFsBlockstore store = FlatFsBlockstore.open(repo, FlatFsOptions.defaults())) {
            Block block = IntegrityOnReadTest.block(4096, 11);
            // Another writer's state between its rename and its directory fsync: the file is in place.
            Path target = store.pathOf(block.cid());
            Files.createDirectories(target.getParent());
            Path tmp = repo.resolve("blocks/.temp/other-writer");
            Files.write(tmp, block.bytes());
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);

            Set<Path> synced = ConcurrentHashMap.newKeySet();
            store.directorySyncObserver = synced::add;
            store.put(block);
            assertThat(synced).as("the shard directory was fsynced by this put").contains(target.getParent());

            synced.clear();
            store.putMany(List.of(block));
            assertThat(synced).contains(target.getParent());
        }
    }

    @Test
    void everyOneOfManyConcurrentPutsOfOneBlockIsDurableWhenItReturns() throws Exception {
        try (FlatFsBlockstore store = FlatFsBlockstore.open(repo, FlatFsOptions.defaults())) {
            int threads = 4;
            int rounds = 40;
            ConcurrentHashMap<Thread, Integer> syncsByThread = new ConcurrentHashMap<>();
            store.directorySyncObserver = dir -> syncsByThread.merge(Thread.currentThread(), 1, Integer::sum);
            AtomicInteger unsynced = new AtomicInteger();
            CyclicBarrier start = new CyclicBarrier(threads);
            Thread[] ts = new Thread[threads];
            for (int t = 0; t < threads; t++) {
                ts[t] = Thread.ofPlatform().start(() -> {
                    try {
                        for (int r = 0; r < rounds; r++) {
                            Block block = IntegrityOnReadTest.block(2048, 1000 + r);
                            start.await();
                            int before = syncsByThread.getOrDefault(Thread.currentThread(), 0);
                            store.put(block);
                            if (syncsByThread.getOrDefault(Thread.currentThread(), 0) == before) {
                                unsynced.incrementAndGet();
                            }
                            assertThat(store.get(block.cid()).bytes()).isEqualTo(block.bytes());
                        }
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
            }
            for (Thread t : ts) {
                t.join();
            }
            assertThat(unsynced.get()).as("puts acknowledged without making the block durable").isZero();
        }
    }
}
