package org.carbonledger.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.axonframework.common.Registration;
import org.axonframework.common.caching.Cache;

/**
 * Keeps the most recently used aggregates in memory, at most a fixed number, so that a command on a
 * busy batch does not replay the batch's whole history first (ADR 0008). Without it, every transfer
 * folds every earlier event of its batch: the cost of a command grows with the batch's age, and a
 * hot batch slows to a crawl.
 *
 * <p>Axon's {@code CachingEventSourcingRepository} uses it under the aggregate's lock: it puts the
 * aggregate after a command's events are stored and removes it when the unit of work rolls back, so
 * the cache never holds state that did not commit. It assumes this process is the ledger's only
 * writer, as the audit chain already does (ADR 0006); a second writer would not fork a stream, the
 * event store's unique sequence numbers forbid that, but its commands would fail until the entry is
 * evicted.
 *
 * <p>Least recently used entries are evicted first. Thread-safe.
 */
public final class AggregateCache implements Cache {

  private final int capacity;
  private final Map<Object, Object> entries;
  private final List<EntryListener> listeners = new CopyOnWriteArrayList<>();

  /**
   * @param capacity how many aggregates to keep, at least 1
   */
  public AggregateCache(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
    }
    this.capacity = capacity;
    this.entries = new LinkedHashMap<>(16, 0.75f, true);
  }

  @Override
  @SuppressWarnings("unchecked")
  public <K, V> V get(K key) {
    Object value;
    synchronized (entries) {
      value = entries.get(key);
    }
    if (value != null) {
      listeners.forEach(listener -> listener.onEntryRead(key, value));
    }
    return (V) value;
  }

  @Override
  public void put(Object key, Object value) {
    Object previous;
    List<Map.Entry<Object, Object>> evicted;
    synchronized (entries) {
      previous = entries.put(key, value);
      evicted = evictBeyondCapacity();
    }
    for (EntryListener listener : listeners) {
      if (previous == null) {
        listener.onEntryCreated(key, value);
      } else {
        listener.onEntryUpdated(key, value);
      }
      evicted.forEach(entry -> listener.onEntryExpired(entry.getKey()));
    }
  }

  @Override
  public boolean putIfAbsent(Object key, Object value) {
    List<Map.Entry<Object, Object>> evicted;
    synchronized (entries) {
      if (entries.containsKey(key)) {
        return false;
      }
      entries.put(key, value);
      evicted = evictBeyondCapacity();
    }
    for (EntryListener listener : listeners) {
      listener.onEntryCreated(key, value);
      evicted.forEach(entry -> listener.onEntryExpired(entry.getKey()));
    }
    return true;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T computeIfAbsent(Object key, Supplier<T> valueSupplier) {
    synchronized (entries) {
      Object value = entries.get(key);
      if (value == null) {
        value = valueSupplier.get();
        entries.put(key, value);
        evictBeyondCapacity();
      }
      return (T) value;
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public <V> void computeIfPresent(Object key, UnaryOperator<V> update) {
    synchronized (entries) {
      Object value = entries.get(key);
      if (value != null) {
        Object updated = update.apply((V) value);
        if (updated == null) {
          entries.remove(key);
        } else {
          entries.put(key, updated);
        }
      }
    }
  }

  @Override
  public boolean remove(Object key) {
    boolean removed;
    synchronized (entries) {
      removed = entries.remove(key) != null;
    }
    if (removed) {
      listeners.forEach(listener -> listener.onEntryRemoved(key));
    }
    return removed;
  }

  @Override
  public void removeAll() {
    List<Object> keys;
    synchronized (entries) {
      keys = new ArrayList<>(entries.keySet());
      entries.clear();
    }
    keys.forEach(key -> listeners.forEach(listener -> listener.onEntryRemoved(key)));
  }

  @Override
  public boolean containsKey(Object key) {
    synchronized (entries) {
      return entries.containsKey(key);
    }
  }

  /** How many aggregates are held now. */
  public int size() {
    synchronized (entries) {
      return entries.size();
    }
  }

  @Override
  public Registration registerCacheEntryListener(EntryListener listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  /** Removes the least recently used entries beyond the capacity; the caller holds the lock. */
  private List<Map.Entry<Object, Object>> evictBeyondCapacity() {
    List<Map.Entry<Object, Object>> evicted = new ArrayList<>(1);
    var iterator = entries.entrySet().iterator();
    while (entries.size() > capacity && iterator.hasNext()) {
      evicted.add(Map.entry(iterator.next().getKey(), Boolean.TRUE));
      iterator.remove();
    }
    return evicted;
  }
}
