package org.carbonledger.chain;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.math.ec.rfc7748.X25519Field;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Verifies many Ed25519 signatures at once, several times faster than one by one, with exactly the
 * verdict of {@link Ed25519Primitives#verify} for each (spec section 3.4.1, ADR 0007).
 *
 * <p>Single verification checks {@code [8]([S]B - R - [k]A) = 0} for one signature; Bouncy Castle
 * spends about 128 point doublings and 90 additions on it. The batch draws a fresh secret 128-bit
 * odd weight {@code z_i} for each signature and checks one combined equation:
 *
 * <pre>
 *   [8]( -[sum z_i S_i] B  +  sum z_i R_i  +  sum over keys [sum z_i k_i] A )  =  0
 * </pre>
 *
 * <p>The doublings are shared by the whole batch, each R needs only its 128-bit weight, and each
 * signature costs little more than decoding its R. The equation holds whenever every signature
 * holds; if any does not, its prime-order error survives the random weights except with probability
 * at most 2<sup>-127</sup>, which no signer can influence because the weights are drawn after the
 * signatures exist. The factor 8 makes the rule the cofactored one, which is exactly the rule
 * Bouncy Castle's single verification applies (it clears the cofactor too), so the batch and the
 * single check agree on every signature, including those with small-order components that only the
 * key holder could make. The CCTV edge-case vectors pin that agreement.
 *
 * <p>Encoding checks are those of single verification: R must be canonical and on the curve, S less
 * than the group order L. A key that Bouncy Castle's full public key validation refuses is not
 * batched at all; its signatures are checked one by one, so that the batch never accepts what a
 * single check would refuse.
 *
 * <p>A batch says only whether all its signatures hold. {@link #verifyEach()} finds which fail by
 * checking them one at a time when the batch fails, which only happens when something is wrong.
 *
 * <p>Not thread-safe: use one batch per thread. Nothing here is secret, so the code is
 * variable-time; it must never be used for signing.
 */
public final class Ed25519Batch {

  /** A batch size that makes the shared doublings cheap (about 1% of the work) per signature. */
  public static final int DEFAULT_CAPACITY = 256;

  private static final BigInteger P =
      BigInteger.ONE.shiftLeft(255).subtract(BigInteger.valueOf(19));
  private static final BigInteger L =
      BigInteger.ONE.shiftLeft(252).add(new BigInteger("27742317777372353535851937790883648493"));

  /** The curve constant d = -121665/121666 and 2d, as field elements. */
  private static final int[] D;

  private static final int[] D2;

  /** wNAF widths: the base point has a static table, keys a per-key one, each R a small one. */
  private static final int BASE_WIDTH = 8;

  private static final int KEY_WIDTH = 6;
  private static final int R_WIDTH = 5;

  /** Odd multiples B, 3B, ..., 127B of the base point, in the form additions use. */
  private static final int[] BASE_TABLE;

  static {
    BigInteger d =
        BigInteger.valueOf(-121665).multiply(BigInteger.valueOf(121666).modInverse(P)).mod(P);
    D = fieldElement(d);
    D2 = fieldElement(d.shiftLeft(1).mod(P));
    BigInteger baseY = BigInteger.valueOf(4).multiply(BigInteger.valueOf(5).modInverse(P)).mod(P);
    Affine base = decodePoint(littleEndian(baseY, 32));
    if (base == null) {
      throw new IllegalStateException("the Ed25519 base point does not decode");
    }
    BASE_TABLE = precompute(base, 1 << (BASE_WIDTH - 2));
  }

  private final SecureRandom random;
  private final int capacity;
  private final byte[][] publicKeys;
  private final byte[][] messages;
  private final byte[][] signatures;
  private final Map<ByteBuffer, Key> keys = new HashMap<>();
  private final SHA512Digest sha512 = new SHA512Digest();

  /** Each R's table of odd multiples, reused from batch to batch to spare the garbage collector. */
  private final int[][] rTables;

  private int size;

  /** A batch of {@link #DEFAULT_CAPACITY} with weights from a new {@link SecureRandom}. */
  public Ed25519Batch() {
    this(DEFAULT_CAPACITY, new SecureRandom());
  }

  /**
   * A batch.
   *
   * @param capacity how many signatures it holds, at least 1
   * @param random the source of the secret weights: it must be unpredictable to whoever made the
   *     signatures, so a strong source, not null
   */
  public Ed25519Batch(int capacity, SecureRandom random) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
    }
    this.capacity = capacity;
    this.random = Objects.requireNonNull(random, "random");
    this.publicKeys = new byte[capacity][];
    this.messages = new byte[capacity][];
    this.signatures = new byte[capacity][];
    this.rTables = new int[capacity][];
  }

  /**
   * Adds a signature to check. The arrays are kept, not copied, until {@link #clear()}: they must
   * not change meanwhile.
   *
   * @param publicKey the signer's public key; anything but 32 bytes fails verification
   * @param message the signed bytes, not null
   * @param signature the signature; anything but 64 bytes fails verification
   * @throws IllegalStateException if the batch is full
   */
  public void add(byte[] publicKey, byte[] message, byte[] signature) {
    Objects.requireNonNull(message, "message");
    if (size == capacity) {
      throw new IllegalStateException("the batch holds " + capacity + " signatures already");
    }
    publicKeys[size] = publicKey;
    messages[size] = message;
    signatures[size] = signature;
    size++;
  }

  /** How many signatures the batch holds. */
  public int size() {
    return size;
  }

  /** Whether {@link #add} would throw. */
  public boolean isFull() {
    return size == capacity;
  }

  /** Empties the batch; decoded keys are kept for the next one. */
  public void clear() {
    for (int i = 0; i < size; i++) {
      publicKeys[i] = null;
      messages[i] = null;
      signatures[i] = null;
    }
    size = 0;
  }

  /**
   * Checks which signatures hold: the batch equation first and, only if it fails, each signature on
   * its own with {@link Ed25519Primitives#verify}.
   *
   * @return one verdict per signature, in the order added; each equals that of single verification
   */
  public boolean[] verifyEach() {
    boolean[] valid = new boolean[size];
    if (verifyAll()) {
      Arrays.fill(valid, true);
      return valid;
    }
    for (int i = 0; i < size; i++) {
      valid[i] = Ed25519Primitives.verify(publicKeys[i], messages[i], signatures[i]);
    }
    return valid;
  }

  /**
   * Checks whether every signature in the batch holds. An empty batch holds.
   *
   * @return true if every signature is valid; false if any is not (wrongly true with probability at
   *     most 2<sup>-127</sup>)
   */
  public boolean verifyAll() {
    int n = size;
    if (n == 0) {
      return true;
    }
    byte[] weights = new byte[16 * n];
    random.nextBytes(weights);

    byte[][] rDigits = new byte[n][];
    int batched = 0;
    BigInteger sumS = BigInteger.ZERO;
    Map<Key, BigInteger> sumK = new HashMap<>();
    byte[] h = new byte[64];

    for (int i = 0; i < n; i++) {
      byte[] publicKey = publicKeys[i];
      byte[] signature = signatures[i];
      if (publicKey == null
          || signature == null
          || publicKey.length != Ed25519Primitives.PUBLIC_KEY_BYTES
          || signature.length != Ed25519Primitives.SIGNATURE_BYTES) {
        return false;
      }
      Key key = key(publicKey);
      if (key == null) {
        // A key full validation refuses may still verify singly (a mixed-order key does): ask the
        // single check, so the batch refuses exactly what it refuses.
        if (!Ed25519Primitives.verify(publicKey, messages[i], signature)) {
          return false;
        }
        continue;
      }
      if (!isCanonical(signature, 0)) {
        return false;
      }
      BigInteger s = fromLittleEndian(signature, 32, 32);
      if (s.compareTo(L) >= 0) {
        return false;
      }
      Affine r = decodePoint(Arrays.copyOf(signature, 32));
      if (r == null) {
        return false;
      }
      sha512.update(signature, 0, 32);
      sha512.update(publicKey, 0, 32);
      sha512.update(messages[i], 0, messages[i].length);
      sha512.doFinal(h, 0);
      BigInteger k = fromLittleEndian(h, 0, 64);

      long low = 0;
      long high = 0;
      for (int b = 0; b < 8; b++) {
        low |= (weights[16 * i + b] & 0xFFL) << (8 * b);
        high |= (weights[16 * i + 8 + b] & 0xFFL) << (8 * b);
      }
      // Odd, hence never zero: a zero weight would let a bad signature through unseen.
      low |= 1;
      BigInteger z = unsigned(high).shiftLeft(64).or(unsigned(low));
      sumS = sumS.add(z.multiply(s));
      sumK.merge(key, z.multiply(k), BigInteger::add);

      if (rTables[batched] == null) {
        rTables[batched] = new int[(1 << (R_WIDTH - 2)) * 4 * F];
      }
      precompute(r, 1 << (R_WIDTH - 2), rTables[batched]);
      rDigits[batched] = wnaf(new long[] {low, high, 0, 0, 0}, R_WIDTH);
      batched++;
    }
    if (batched == 0) {
      return true;
    }

    List<int[]> tables = new ArrayList<>(batched + sumK.size() + 1);
    List<byte[]> digits = new ArrayList<>(batched + sumK.size() + 1);
    tables.add(BASE_TABLE);
    digits.add(wnaf(words(L.subtract(sumS.mod(L)).mod(L)), BASE_WIDTH));
    for (Map.Entry<Key, BigInteger> entry : sumK.entrySet()) {
      tables.add(entry.getKey().table());
      digits.add(wnaf(words(entry.getValue().mod(L)), KEY_WIDTH));
    }
    for (int i = 0; i < batched; i++) {
      tables.add(rTables[i]);
      digits.add(rDigits[i]);
    }
    return isNeutralAfterCofactor(multiScalarMultiply(tables, digits));
  }

  private Key key(byte[] publicKey) {
    ByteBuffer id = ByteBuffer.wrap(publicKey.clone());
    Key known = keys.get(id);
    if (known != null) {
      return known.table() == null ? null : known;
    }
    Key key = new Key(null);
    if (Ed25519.validatePublicKeyFull(publicKey, 0)) {
      Affine point = decodePoint(publicKey);
      if (point != null) {
        key = new Key(precompute(point, 1 << (KEY_WIDTH - 2)));
      }
    }
    keys.put(id, key);
    return key.table() == null ? null : key;
  }

  /** A decoded key's table of odd multiples, or null if the key is not batched. */
  private record Key(int[] table) {}

  // ---------------------------------------------------------------------------------------------
  // Curve arithmetic on Bouncy Castle's field (X25519Field), in the point forms and with the
  // formulas of its own Ed25519 (twisted Edwards, a = -1, extended coordinates, Hisil et al.).

  private static final int F = X25519Field.SIZE;

  /** An affine point (x, y). */
  private record Affine(int[] x, int[] y) {}

  /** An accumulator: X, Y, Z and T = U * V, T kept as two factors to save a multiplication. */
  private static final class Accumulator {
    final int[] x = X25519Field.create();
    final int[] y = X25519Field.create();
    final int[] z = X25519Field.create();
    final int[] u = X25519Field.create();
    final int[] v = X25519Field.create();
    final int[] t0 = X25519Field.create();
    final int[] t1 = X25519Field.create();

    Accumulator() {
      X25519Field.zero(x);
      X25519Field.one(y);
      X25519Field.one(z);
      X25519Field.zero(u);
      X25519Field.one(v);
    }
  }

  /** Extended coordinates X, Y, Z, T with x = X/Z, y = Y/Z, xy = T/Z. */
  private static final class Extended {
    final int[] x = X25519Field.create();
    final int[] y = X25519Field.create();
    final int[] z = X25519Field.create();
    final int[] t = X25519Field.create();
  }

  /**
   * Odd multiples P, 3P, ..., (2 count - 1)P, each stored as Y - X, Y + X, 2dT and 2Z: four field
   * elements, the form in which an addition needs eight multiplications.
   */
  private static int[] precompute(Affine p, int count) {
    return precompute(p, count, new int[count * 4 * F]);
  }

  /** {@link #precompute(Affine, int)} into a table of {@code count * 4} field elements. */
  private static int[] precompute(Affine p, int count, int[] table) {
    int[] f0 = X25519Field.create();
    int[] f1 = X25519Field.create();
    Extended q = new Extended();
    X25519Field.copy(p.x(), 0, q.x, 0);
    X25519Field.copy(p.y(), 0, q.y, 0);
    X25519Field.one(q.z);
    X25519Field.mul(p.x(), p.y(), q.t);
    Extended twice = new Extended();
    add(q, q, twice, f0, f1);
    int offset = 0;
    for (int i = 0; ; i++) {
      X25519Field.apm(q.y, q.x, f0, f1);
      X25519Field.copy(f1, 0, table, offset);
      X25519Field.copy(f0, 0, table, offset + F);
      X25519Field.mul(q.t, D2, f0);
      X25519Field.copy(f0, 0, table, offset + 2 * F);
      X25519Field.add(q.z, q.z, f0);
      X25519Field.copy(f0, 0, table, offset + 3 * F);
      offset += 4 * F;
      if (i + 1 == count) {
        return table;
      }
      add(q, twice, q, f0, f1);
    }
  }

  /** r = p + q in extended coordinates; r may be p, not q. */
  private static void add(Extended p, Extended q, Extended r, int[] c, int[] d) {
    int[] a = r.x;
    int[] b = r.y;
    int[] e = a;
    int[] f = c;
    int[] g = d;
    int[] h = b;
    X25519Field.apm(p.y, p.x, b, a);
    X25519Field.apm(q.y, q.x, d, c);
    X25519Field.mul(a, c, a);
    X25519Field.mul(b, d, b);
    X25519Field.mul(p.t, q.t, c);
    X25519Field.mul(c, D2, c);
    X25519Field.add(p.z, p.z, d);
    X25519Field.mul(d, q.z, d);
    X25519Field.apm(b, a, h, e);
    X25519Field.apm(d, c, g, f);
    X25519Field.mul(e, h, r.t);
    X25519Field.mul(f, g, r.z);
    X25519Field.mul(e, f, r.x);
    X25519Field.mul(h, g, r.y);
  }

  /** r = r + (or -) the table entry at {@code offset}. */
  private static void addEntry(boolean negate, int[] table, int offset, Accumulator r) {
    int[] a = r.x;
    int[] b = r.y;
    int[] c = r.t0;
    int[] d = r.z;
    int[] e = r.u;
    int[] f = a;
    int[] g = b;
    int[] h = r.v;
    int[] na = negate ? b : a;
    int[] nb = negate ? a : b;
    int[] entry = r.t1;
    X25519Field.apm(r.y, r.x, b, a);
    X25519Field.copy(table, offset, entry, 0);
    X25519Field.mul(na, entry, na);
    X25519Field.copy(table, offset + F, entry, 0);
    X25519Field.mul(nb, entry, nb);
    X25519Field.mul(r.u, r.v, c);
    X25519Field.copy(table, offset + 2 * F, entry, 0);
    X25519Field.mul(c, entry, c);
    X25519Field.copy(table, offset + 3 * F, entry, 0);
    X25519Field.mul(r.z, entry, d);
    X25519Field.apm(b, a, h, e);
    X25519Field.apm(d, c, negate ? f : g, negate ? g : f);
    X25519Field.mul(f, g, r.z);
    X25519Field.mul(f, e, r.x);
    X25519Field.mul(g, h, r.y);
  }

  /** r = 2r. */
  private static void twice(Accumulator r) {
    int[] a = r.x;
    int[] b = r.y;
    int[] c = r.z;
    int[] e = r.u;
    int[] f = a;
    int[] g = b;
    int[] h = r.v;
    X25519Field.add(r.x, r.y, e);
    X25519Field.sqr(r.x, a);
    X25519Field.sqr(r.y, b);
    X25519Field.sqr(r.z, c);
    X25519Field.add(c, c, c);
    X25519Field.apm(a, b, h, g);
    X25519Field.sqr(e, e);
    X25519Field.sub(h, e, e);
    X25519Field.add(c, g, f);
    X25519Field.carry(f);
    X25519Field.mul(f, g, r.z);
    X25519Field.mul(f, e, r.x);
    X25519Field.mul(g, h, r.y);
  }

  /**
   * Straus' method: one run of doublings for all points, adding each point's table entry where its
   * wNAF digit is not zero.
   */
  private static Accumulator multiScalarMultiply(List<int[]> tables, List<byte[]> digits) {
    int top = -1;
    for (byte[] d : digits) {
      for (int bit = d.length - 1; bit > top; bit--) {
        if (d[bit] != 0) {
          top = bit;
          break;
        }
      }
    }
    Accumulator r = new Accumulator();
    int count = tables.size();
    for (int bit = top; bit >= 0; bit--) {
      twice(r);
      for (int j = 0; j < count; j++) {
        byte[] d = digits.get(j);
        if (bit < d.length) {
          int digit = d[bit];
          if (digit != 0) {
            int index = (digit < 0 ? -digit : digit) >>> 1;
            addEntry(digit < 0, tables.get(j), index * 4 * F, r);
          }
        }
      }
    }
    return r;
  }

  /** Whether [8]r is the neutral element (0, 1): the cofactored check. */
  private static boolean isNeutralAfterCofactor(Accumulator r) {
    twice(r);
    twice(r);
    twice(r);
    X25519Field.normalize(r.x);
    X25519Field.normalize(r.y);
    X25519Field.normalize(r.z);
    return X25519Field.isZeroVar(r.x)
        && !X25519Field.isZeroVar(r.y)
        && X25519Field.areEqualVar(r.y, r.z);
  }

  /**
   * The width-w non-adjacent form of a scalar below 2<sup>255</sup>, given as five little-endian
   * 64-bit words with the fifth zero: digits odd and below 2<sup>w-1</sup> in magnitude, or zero,
   * with at least w - 1 zeros after each non-zero one. The result is trimmed after the highest
   * non-zero digit.
   */
  static byte[] wnaf(long[] scalar, int width) {
    byte[] naf = new byte[257];
    int windowSize = 1 << width;
    long windowMask = windowSize - 1L;
    int position = 0;
    int carry = 0;
    int last = -1;
    while (position < 256) {
      int word = position >>> 6;
      int bit = position & 63;
      long buffer =
          bit < 64 - width
              ? scalar[word] >>> bit
              : (scalar[word] >>> bit) | (scalar[word + 1] << (64 - bit));
      int window = carry + (int) (buffer & windowMask);
      if ((window & 1) == 0) {
        position++;
        continue;
      }
      if (window < windowSize / 2) {
        carry = 0;
        naf[position] = (byte) window;
      } else {
        carry = 1;
        naf[position] = (byte) (window - windowSize);
      }
      last = position;
      position += width;
    }
    return Arrays.copyOf(naf, last + 1);
  }

  private static long[] words(BigInteger scalar) {
    long[] words = new long[5];
    for (int i = 0; i < 4; i++) {
      words[i] = scalar.shiftRight(64 * i).longValue();
    }
    return words;
  }

  // ---------------------------------------------------------------------------------------------
  // Encodings.

  /**
   * Decodes a point as RFC 8032 section 5.1.3 says, or null: y must be canonical (below p), x must
   * exist, and x = 0 with the sign bit set is refused.
   */
  private static Affine decodePoint(byte[] encoded) {
    if (!isCanonical(encoded, 0)) {
      return null;
    }
    int sign = (encoded[31] & 0x80) >>> 7;
    int[] x = X25519Field.create();
    int[] y = X25519Field.create();
    X25519Field.decode(encoded, 0, y);
    int[] u = X25519Field.create();
    int[] v = X25519Field.create();
    X25519Field.sqr(y, u);
    X25519Field.mul(D, u, v);
    X25519Field.subOne(u);
    X25519Field.addOne(v);
    if (!X25519Field.sqrtRatioVar(u, v, x)) {
      return null;
    }
    X25519Field.normalize(x);
    if (sign == 1 && X25519Field.isZeroVar(x)) {
      return null;
    }
    if (sign != (x[0] & 1)) {
      X25519Field.negate(x, x);
      X25519Field.normalize(x);
    }
    return new Affine(x, y);
  }

  /** Whether the 255-bit y of a point encoding at {@code offset} is below p = 2^255 - 19. */
  private static boolean isCanonical(byte[] encoded, int offset) {
    if ((encoded[offset + 31] & 0x7F) != 0x7F) {
      return true;
    }
    for (int i = 30; i >= 1; i--) {
      if (encoded[offset + i] != (byte) 0xFF) {
        return true;
      }
    }
    return (encoded[offset] & 0xFF) < 0xED;
  }

  private static int[] fieldElement(BigInteger value) {
    int[] element = X25519Field.create();
    X25519Field.decode(littleEndian(value, 32), 0, element);
    return element;
  }

  private static byte[] littleEndian(BigInteger value, int length) {
    byte[] bigEndian = value.toByteArray();
    byte[] out = new byte[length];
    for (int i = 0; i < length && i < bigEndian.length; i++) {
      out[i] = bigEndian[bigEndian.length - 1 - i];
    }
    return out;
  }

  private static BigInteger fromLittleEndian(byte[] bytes, int offset, int length) {
    byte[] bigEndian = new byte[length];
    for (int i = 0; i < length; i++) {
      bigEndian[i] = bytes[offset + length - 1 - i];
    }
    return new BigInteger(1, bigEndian);
  }

  private static BigInteger unsigned(long value) {
    BigInteger result = BigInteger.valueOf(value & Long.MAX_VALUE);
    return value < 0 ? result.setBit(63) : result;
  }

  /**
   * [scalar] times the base point, encoded as RFC 8032 encodes points; for tests that pin the
   * arithmetic to Bouncy Castle's public key derivation.
   *
   * @param scalar at least 0 and below 2^255
   */
  static byte[] multiplyBase(BigInteger scalar) {
    Accumulator r =
        multiScalarMultiply(List.of(BASE_TABLE), List.of(wnaf(words(scalar), BASE_WIDTH)));
    int[] zInverse = X25519Field.create();
    X25519Field.inv(r.z, zInverse);
    int[] x = X25519Field.create();
    int[] y = X25519Field.create();
    X25519Field.mul(r.x, zInverse, x);
    X25519Field.mul(r.y, zInverse, y);
    X25519Field.normalize(x);
    X25519Field.normalize(y);
    byte[] encoded = new byte[32];
    X25519Field.encode(y, encoded, 0);
    encoded[31] |= (byte) ((x[0] & 1) << 7);
    return encoded;
  }
}
