package org.carbonledger.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.axonframework.common.caching.Cache;
import org.junit.jupiter.api.Test;

class AggregateCacheTest {

  @Test
  void theLeastRecentlyUsedAggregateIsEvictedFirst() {
    AggregateCache cache = new AggregateCache(2);
    cache.put("batch:A", "a");
    cache.put("batch:B", "b");
    assertThat((String) cache.get("batch:A")).isEqualTo("a");

    cache.put("batch:C", "c");

    assertThat(cache.containsKey("batch:A")).isTrue();
    assertThat(cache.containsKey("batch:B")).isFalse();
    assertThat(cache.containsKey("batch:C")).isTrue();
    assertThat(cache.size()).isEqualTo(2);
  }

  @Test
  void aRemovedAggregateIsGoneAndListenersHearOfEveryChange() {
    AggregateCache cache = new AggregateCache(1);
    List<String> heard = new ArrayList<>();
    cache.registerCacheEntryListener(
        new Cache.EntryListenerAdapter() {
          @Override
          public void onEntryCreated(Object key, Object value) {
            heard.add("created " + key);
          }

          @Override
          public void onEntryUpdated(Object key, Object value) {
            heard.add("updated " + key);
          }

          @Override
          public void onEntryRemoved(Object key) {
            heard.add("removed " + key);
          }

          @Override
          public void onEntryExpired(Object key) {
            heard.add("expired " + key);
          }
        });

    cache.put("batch:A", "a");
    cache.put("batch:A", "a2");
    cache.put("batch:B", "b");
    assertThat(cache.remove("batch:B")).isTrue();
    assertThat(cache.remove("batch:B")).isFalse();
    assertThat(cache.putIfAbsent("batch:C", "c")).isTrue();
    assertThat(cache.putIfAbsent("batch:C", "c2")).isFalse();

    assertThat((String) cache.get("batch:B")).isNull();
    assertThat(heard)
        .containsExactly(
            "created batch:A",
            "updated batch:A",
            "created batch:B",
            "expired batch:A",
            "removed batch:B",
            "created batch:C");
  }

  @Test
  void aCacheHoldsAtLeastOneAggregate() {
    assertThatThrownBy(() -> new AggregateCache(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
