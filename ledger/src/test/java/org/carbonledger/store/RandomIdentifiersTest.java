package org.carbonledger.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.axonframework.common.IdentifierFactory;
import org.junit.jupiter.api.Test;

class RandomIdentifiersTest {

  @Test
  void axonFindsItThroughTheServiceLoader() {
    assertThat(IdentifierFactory.getInstance()).isInstanceOf(RandomIdentifiers.class);
  }

  @Test
  void identifiersAreVersionFourUuidsOfTheIetfVariant() {
    for (int i = 0; i < 1_000; i++) {
      UUID id = UUID.fromString(IdentifierFactory.getInstance().generateIdentifier());
      assertThat(id.version()).isEqualTo(4);
      assertThat(id.variant()).isEqualTo(2);
    }
  }

  @Test
  void threadsDrawingAtOnceNeverRepeatAnIdentifier() throws InterruptedException {
    Set<UUID> seen = ConcurrentHashMap.newKeySet();
    ExecutorService threads = Executors.newFixedThreadPool(8);
    for (int t = 0; t < 8; t++) {
      threads.submit(
          () -> {
            for (int i = 0; i < 10_000; i++) {
              seen.add(RandomIdentifiers.randomUuid());
            }
          });
    }
    threads.shutdown();
    assertThat(threads.awaitTermination(1, TimeUnit.MINUTES)).isTrue();

    assertThat(seen).hasSize(80_000);
  }
}
