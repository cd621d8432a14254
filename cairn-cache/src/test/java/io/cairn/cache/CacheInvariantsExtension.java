package io.cairn.cache;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;

/**
 * After every test of this module, checks every cache the test built: map against weight, expiry
 * queues, the policy's queues, heap, ghosts and sketch ({@code LocalCache.checkInvariants}), as
 * Caffeine's suite does. Registered for every test class through the JUnit service file and
 * {@code junit.jupiter.extensions.autodetection.enabled} in src/test/resources; a broken invariant
 * fails the test that left it.
 */
public final class CacheInvariantsExtension implements BeforeEachCallback, AfterEachCallback {
    private static final List<WeakReference<LocalCache<?, ?>>> BUILT = new ArrayList<>();
    private static int checked;

    @Override
    public void beforeEach(ExtensionContext context) {
        synchronized (BUILT) {
            BUILT.clear();
        }
        LocalCache.builtHook = c -> {
            synchronized (BUILT) {
                BUILT.add(new WeakReference<>(c));
            }
        };
    }

    @Override
    public void afterEach(ExtensionContext context) {
        LocalCache.builtHook = null;
        List<LocalCache<?, ?>> caches = new ArrayList<>();
        synchronized (BUILT) {
            for (WeakReference<LocalCache<?, ?>> r : BUILT) {
                LocalCache<?, ?> c = r.get();
                if (c != null) {
                    caches.add(c);
                }
            }
            BUILT.clear();
        }
        if (context.getExecutionException().isPresent()) {
            return; // the test failed already; its own message is the one to read
        }
        for (LocalCache<?, ?> c : caches) {
            try {
                c.checkInvariants();
                checked++;
            } catch (IllegalStateException e) {
                throw new AssertionError(context.getDisplayName() + ": " + c + ": " + e.getMessage(), e);
            }
        }
    }

    /** How many caches have been checked so far in this JVM (the extension's own test reads it). */
    static int checkedSoFar() {
        return checked;
    }
}
