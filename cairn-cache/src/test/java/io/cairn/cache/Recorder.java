package io.cairn.cache;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records removal notifications. */
final class Recorder<K, V> implements RemovalListener<K, V> {
    record Event<K, V>(K key, V value, RemovalCause cause) {
    }

    final List<Event<K, V>> events = new CopyOnWriteArrayList<>();

    @Override
    public void onRemoval(K key, V value, RemovalCause cause) {
        events.add(new Event<>(key, value, cause));
    }

    List<K> keys(RemovalCause cause) {
        return events.stream().filter(e -> e.cause() == cause).map(Event::key).toList();
    }
}
