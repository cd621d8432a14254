/**
 * Pins and garbage collection, with Kubo's semantics: {@link io.cairn.pin.PinStore} keeps the
 * recursive and direct pins durably (in one crash-safe file, or shared by nodes in their store of
 * record); {@link io.cairn.pin.Pinner} adds, removes and
 * lists them (recursive pins follow dag-pb, dag-cbor and dag-json links through
 * {@link io.cairn.ipld.Links}; what they reach is pinned indirectly); {@link io.cairn.pin.GarbageCollector}
 * marks from the pins under the store's GC lock ({@link io.cairn.blockstore.GcLocker}) and deletes
 * everything else in batches, each under that lock; {@link io.cairn.pin.PinLockingBlockstore} makes
 * every write take the shared pin lock and record itself in the store's
 * {@link io.cairn.pin.SweepGuard}, so that a block put while a collection runs is never deleted by it. With shared pins, a
 * {@link io.cairn.pin.CollectionLease} keeps collections to one at a time across the nodes.
 */
package io.cairn.pin;
