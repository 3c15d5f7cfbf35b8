package org.carbonledger.bench;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.carbonledger.chain.Ed25519Batch;
import org.carbonledger.chain.Ed25519Primitives;
import org.carbonledger.chain.SignedEntry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-core limits of the chain's cryptography: how many Ed25519 signatures one core makes and
 * checks per second, and how many entries it hashes, with the library calls the ledger and the
 * verifier make. These are the ceilings that the ledger's own figures are divided by (see
 * docs/performance.md); they are measured in the same run as those figures because the machine is
 * shared and its speed drifts.
 *
 * <p>Every benchmark runs on one thread. Messages are what the ledger signs: {@link
 * SignedEntry#signatureMessage} of a 32-byte entry hash (65 bytes), 1,024 different ones in turn,
 * all signed by one key as the ledger's entries are between key rotations.
 *
 * <p>Run by {@code bench/run.sh}, or alone: {@code java -cp ... org.openjdk.jmh.Main CryptoLimits}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Threads(1)
public class CryptoLimits {

  /** How many different messages the benchmarks cycle through (a power of two). */
  static final int MESSAGES = 1024;

  /** The size of an entry whose hash is measured: about that of a credit transfer's entry. */
  static final int ENTRY_BYTES = 500;

  private byte[] seed;
  private byte[] publicKey;
  private Ed25519.PublicPoint decodedKey;
  private byte[][] messages;
  private byte[][] signatures;
  private byte[] entry;
  private MessageDigest sha256;
  private Ed25519Batch batch;
  private int next;

  @Setup(Level.Trial)
  public void setUp() throws NoSuchAlgorithmException {
    Random random = new Random(7);
    seed = new byte[Ed25519Primitives.SEED_BYTES];
    random.nextBytes(seed);
    publicKey = Ed25519Primitives.publicKey(seed);
    decodedKey = Ed25519.validatePublicKeyPartialExport(publicKey, 0);
    messages = new byte[MESSAGES][];
    signatures = new byte[MESSAGES][];
    for (int i = 0; i < MESSAGES; i++) {
      byte[] entryHash = new byte[32];
      random.nextBytes(entryHash);
      messages[i] = SignedEntry.signatureMessage(entryHash);
      signatures[i] = Ed25519Primitives.sign(seed, publicKey, messages[i]);
    }
    entry = new byte[ENTRY_BYTES];
    random.nextBytes(entry);
    sha256 = MessageDigest.getInstance("SHA-256");
    batch = new Ed25519Batch(Ed25519Batch.DEFAULT_CAPACITY, new SecureRandom());
  }

  private int nextIndex() {
    next = (next + 1) & (MESSAGES - 1);
    return next;
  }

  /** A signature as the chain writer makes it: the public key known, not derived again. */
  @Benchmark
  public byte[] ed25519Sign() {
    return Ed25519Primitives.sign(seed, publicKey, messages[nextIndex()]);
  }

  /** Single verification with the key as 32 bytes, decoded on every call. */
  @Benchmark
  public boolean ed25519VerifyKeyAsBytes() {
    int i = nextIndex();
    return Ed25519Primitives.verify(publicKey, messages[i], signatures[i]);
  }

  /** Single verification with the key decoded once: the fastest single check Bouncy Castle has. */
  @Benchmark
  public boolean ed25519VerifyKeyDecoded() {
    int i = nextIndex();
    byte[] message = messages[i];
    return Ed25519.verify(signatures[i], 0, decodedKey, message, 0, message.length);
  }

  /** {@link Ed25519Batch} full batches of its default size (ADR 0007), reported per signature. */
  @Benchmark
  @OperationsPerInvocation(Ed25519Batch.DEFAULT_CAPACITY)
  public boolean ed25519BatchVerify() {
    batch.clear();
    for (int n = 0; n < Ed25519Batch.DEFAULT_CAPACITY; n++) {
      int i = nextIndex();
      batch.add(publicKey, messages[i], signatures[i]);
    }
    boolean valid = batch.verifyAll();
    if (!valid) {
      throw new IllegalStateException("a batch of good signatures failed");
    }
    return valid;
  }

  /** SHA-256 of one entry-sized message with {@link MessageDigest}, the instance reused. */
  @Benchmark
  public byte[] sha256Entry() {
    return sha256.digest(entry);
  }
}
