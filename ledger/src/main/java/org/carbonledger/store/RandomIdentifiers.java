package org.carbonledger.store;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.UUID;
import org.axonframework.common.IdentifierFactory;

/**
 * Random (version 4) UUIDs for Axon's message and event identifiers, and for the ledger's own, each
 * thread drawing from a {@link SecureRandom} of its own.
 *
 * <p>{@link UUID#randomUUID()} draws every UUID from one shared {@code SecureRandom}, whose lock
 * the command threads queued on under load: each command takes several identifiers (its message,
 * its events, the unit of work's correlation data). Per-thread generators are as unpredictable and
 * as unlikely to collide, and never wait for each other. Axon finds this class through {@code
 * META-INF/services/org.axonframework.common.IdentifierFactory}.
 */
public final class RandomIdentifiers extends IdentifierFactory {

  /**
   * A DRBG (NIST SP 800-90A) per thread: each instance has a state of its own, seeded from the
   * system's entropy, whereas every {@code NativePRNG} instance shares one locked source.
   */
  private static final ThreadLocal<SecureRandom> RANDOM =
      ThreadLocal.withInitial(RandomIdentifiers::generator);

  /** For the service loader. */
  public RandomIdentifiers() {}

  @Override
  public String generateIdentifier() {
    return randomUuid().toString();
  }

  private static SecureRandom generator() {
    try {
      return SecureRandom.getInstance("DRBG");
    } catch (NoSuchAlgorithmException e) {
      return new SecureRandom();
    }
  }

  /**
   * A random UUID as {@link UUID#randomUUID()} makes one (version 4, IETF variant), from this
   * thread's generator.
   */
  public static UUID randomUuid() {
    byte[] bytes = new byte[16];
    RANDOM.get().nextBytes(bytes);
    bytes[6] = (byte) ((bytes[6] & 0x0f) | 0x40);
    bytes[8] = (byte) ((bytes[8] & 0x3f) | 0x80);
    long most = 0;
    long least = 0;
    for (int i = 0; i < 8; i++) {
      most = (most << 8) | (bytes[i] & 0xff);
      least = (least << 8) | (bytes[8 + i] & 0xff);
    }
    return new UUID(most, least);
  }
}
