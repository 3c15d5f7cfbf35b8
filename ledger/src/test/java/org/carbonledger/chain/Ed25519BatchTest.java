package org.carbonledger.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The batch verifier must give exactly the verdict of single verification for every signature: on
 * the conformance vectors, alone and hidden among good signatures, and on random batches with
 * random damage.
 */
class Ed25519BatchTest {

  private static final SecureRandom RANDOM = new SecureRandom();

  private record Signed(byte[] publicKey, byte[] message, byte[] signature) {
    boolean verifiesSingly() {
      return Ed25519Primitives.verify(publicKey, message, signature);
    }
  }

  @Test
  void baseMultiplicationMatchesBouncyCastlesPublicKeys() throws Exception {
    Random random = new Random(7);
    for (int i = 0; i < 50; i++) {
      byte[] seed = new byte[32];
      random.nextBytes(seed);
      byte[] h = MessageDigest.getInstance("SHA-512").digest(seed);
      h[0] &= (byte) 0xF8;
      h[31] &= 0x7F;
      h[31] |= 0x40;
      byte[] bigEndian = new byte[32];
      for (int b = 0; b < 32; b++) {
        bigEndian[b] = h[31 - b];
      }

      assertThat(Ed25519Batch.multiplyBase(new BigInteger(1, bigEndian)))
          .isEqualTo(Ed25519Primitives.publicKey(seed));
    }
  }

  @Test
  void anEmptyBatchHolds() {
    assertThat(new Ed25519Batch().verifyAll()).isTrue();
    assertThat(new Ed25519Batch().verifyEach()).isEmpty();
  }

  @Test
  void aFullBatchOfGoodSignaturesByTwoKeysHolds() {
    Ed25519Batch batch = new Ed25519Batch();
    List<Signed> good = goodSignatures(Ed25519Batch.DEFAULT_CAPACITY, 2, 1);
    good.forEach(s -> batch.add(s.publicKey(), s.message(), s.signature()));

    assertThat(batch.isFull()).isTrue();
    assertThat(batch.verifyAll()).isTrue();
    assertThat(batch.verifyEach()).containsOnly(true);
  }

  @Test
  void oneBadSignatureAmongManyFailsTheBatchAndIsFoundExactly() {
    for (int position : new int[] {0, 37, 127}) {
      Ed25519Batch batch = new Ed25519Batch();
      List<Signed> signed = goodSignatures(128, 1, position);
      signed.set(position, damage(signed.get(position), position));
      signed.forEach(s -> batch.add(s.publicKey(), s.message(), s.signature()));

      assertThat(batch.verifyAll()).isFalse();
      boolean[] verdicts = batch.verifyEach();
      for (int i = 0; i < verdicts.length; i++) {
        assertThat(verdicts[i]).as("signature %d", i).isEqualTo(i != position);
      }
    }
  }

  @Test
  void aSignatureWithTheWrongLengthOrNoKeyFailsTheBatch() {
    Signed good = goodSignatures(1, 1, 0).get(0);
    Ed25519Batch batch = new Ed25519Batch(4, RANDOM);
    batch.add(good.publicKey(), good.message(), good.signature());
    batch.add(good.publicKey(), good.message(), new byte[63]);
    assertThat(batch.verifyEach()).containsExactly(true, false);

    batch.clear();
    batch.add(new byte[31], good.message(), good.signature());
    assertThat(batch.verifyAll()).isFalse();

    batch.clear();
    batch.add(null, good.message(), good.signature());
    assertThat(batch.verifyAll()).isFalse();
  }

  @Test
  void aFullBatchRefusesAnotherSignatureAndClearingEmptiesIt() {
    Signed good = goodSignatures(1, 1, 0).get(0);
    Ed25519Batch batch = new Ed25519Batch(1, RANDOM);
    batch.add(good.publicKey(), good.message(), good.signature());

    assertThatThrownBy(() -> batch.add(good.publicKey(), good.message(), good.signature()))
        .isInstanceOf(IllegalStateException.class);
    batch.clear();
    assertThat(batch.size()).isZero();
    assertThatThrownBy(() -> new Ed25519Batch(0, RANDOM))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void everyCctvEdgeCaseGetsTheVerdictOfSingleVerificationAloneAndInABatch() {
    JsonNode vectors = TestVectors.json("cctv-ed25519/ed25519vectors.json");
    List<Signed> cases = new ArrayList<>();
    for (JsonNode vector : vectors) {
      cases.add(
          new Signed(
              TestVectors.hex(vector.get("key").asText()),
              vector.get("msg").asText().getBytes(StandardCharsets.UTF_8),
              TestVectors.hex(vector.get("sig").asText())));
    }

    int accepted = assertBatchAgreesWithSingleVerification(cases);

    assertThat(cases).hasSize(914);
    assertThat(accepted).isEqualTo(212);
  }

  @Test
  void everyWycheproofCaseGetsTheVerdictOfSingleVerificationAloneAndInABatch() {
    JsonNode root = TestVectors.json("wycheproof-ed25519/ed25519_test.json");
    List<Signed> cases = new ArrayList<>();
    for (JsonNode group : root.get("testGroups")) {
      byte[] publicKey = TestVectors.hex(group.get("publicKey").get("pk").asText());
      for (JsonNode test : group.get("tests")) {
        cases.add(
            new Signed(
                publicKey,
                TestVectors.hex(test.get("msg").asText()),
                TestVectors.hex(test.get("sig").asText())));
      }
    }

    int accepted = assertBatchAgreesWithSingleVerification(cases);

    assertThat(cases).hasSize(151);
    assertThat(accepted).isEqualTo(88);
  }

  @Test
  void theRfc8032VectorsVerifyTogether() {
    Ed25519Batch batch = new Ed25519Batch();
    for (JsonNode vector :
        TestVectors.json("rfc8032-ed25519/rfc8032-section7.1-ed25519.json").get("vectors")) {
      batch.add(
          TestVectors.hex(vector.get("public_key_hex").asText()),
          TestVectors.hex(vector.get("message_hex").asText()),
          TestVectors.hex(vector.get("signature_hex").asText()));
    }

    assertThat(batch.size()).isEqualTo(5);
    assertThat(batch.verifyAll()).isTrue();
  }

  /**
   * A key holder can make a signature whose R carries a small-order component T: then [S]B - R -
   * [k]A = -T, which the cofactored rule accepts and the cofactorless one would not. Bouncy
   * Castle's single verification accepts it, so the batch must too; and a signature whose error has
   * a prime-order part must still fail.
   */
  @Test
  void signaturesWithATorsionComponentInRGetTheVerdictOfSingleVerification() throws Exception {
    byte[] seed = new byte[32];
    new Random(11).nextBytes(seed);
    byte[] publicKey = Ed25519Primitives.publicKey(seed);
    BigInteger secret = Edwards.clampedScalar(seed);
    BigInteger[] order8 =
        Edwards.decode(
            TestVectors.hex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"));
    assertThat(Edwards.times(order8, 8)).isEqualTo(Edwards.IDENTITY);
    assertThat(Edwards.times(order8, 4)).isNotEqualTo(Edwards.IDENTITY);

    List<Signed> crafted = new ArrayList<>();
    for (int j = 1; j < 8; j++) {
      byte[] message = ("torsion " + j).getBytes(StandardCharsets.UTF_8);
      crafted.add(Edwards.signWithTorsion(secret, publicKey, message, Edwards.times(order8, j)));
    }
    for (Signed signed : crafted) {
      assertThat(signed.verifiesSingly()).isTrue();
    }
    Ed25519Batch batch = new Ed25519Batch(16, RANDOM);
    crafted.forEach(s -> batch.add(s.publicKey(), s.message(), s.signature()));
    goodSignatures(8, 1, 5).forEach(s -> batch.add(s.publicKey(), s.message(), s.signature()));
    assertThat(batch.verifyAll()).isTrue();

    Signed wrongMessage =
        new Signed(
            crafted.get(2).publicKey(),
            "not what was signed".getBytes(StandardCharsets.UTF_8),
            crafted.get(2).signature());
    batch.clear();
    batch.add(wrongMessage.publicKey(), wrongMessage.message(), wrongMessage.signature());
    crafted.forEach(s -> batch.add(s.publicKey(), s.message(), s.signature()));
    assertThat(wrongMessage.verifiesSingly()).isFalse();
    assertThat(batch.verifyAll()).isFalse();
    assertThat(batch.verifyEach()).containsExactly(false, true, true, true, true, true, true, true);
  }

  @Property(tries = 60)
  void randomDamageIsFoundExactlyWhereSingleVerificationFindsIt(
      @ForAll @IntRange(min = 1, max = 40) int size,
      @ForAll @IntRange(min = 1, max = 3) int keys,
      @ForAll long seed) {
    Random random = new Random(seed);
    List<Signed> signed = goodSignatures(size, keys, seed);
    int damaged = random.nextInt(3);
    for (int d = 0; d < damaged; d++) {
      int at = random.nextInt(size);
      signed.set(at, damage(signed.get(at), random.nextInt(6)));
    }
    Ed25519Batch batch = new Ed25519Batch(size, RANDOM);
    signed.forEach(s -> batch.add(s.publicKey(), s.message(), s.signature()));

    boolean[] verdicts = batch.verifyEach();
    boolean all = true;
    for (int i = 0; i < size; i++) {
      boolean single = signed.get(i).verifiesSingly();
      assertThat(verdicts[i]).as("signature %d", i).isEqualTo(single);
      all &= single;
    }
    assertThat(batch.verifyAll()).isEqualTo(all);
  }

  @Property(tries = 200)
  void theNonAdjacentFormAddsUpToTheScalar(
      @ForAll long w0,
      @ForAll long w1,
      @ForAll long w2,
      @ForAll long w3,
      @ForAll @IntRange(min = 2, max = 8) int width) {
    long[] scalar = {w0, w1, w2, w3 & Long.MAX_VALUE, 0};
    byte[] digits = Ed25519Batch.wnaf(scalar, width);

    BigInteger sum = BigInteger.ZERO;
    int lastNonZero = -width;
    for (int i = 0; i < digits.length; i++) {
      if (digits[i] != 0) {
        assertThat(Math.abs(digits[i])).isLessThan(1 << (width - 1));
        assertThat(digits[i] & 1).isEqualTo(1);
        assertThat(i - lastNonZero).isGreaterThanOrEqualTo(width);
        lastNonZero = i;
        sum = sum.add(BigInteger.valueOf(digits[i]).shiftLeft(i));
      }
    }
    BigInteger expected = BigInteger.ZERO;
    for (int i = 3; i >= 0; i--) {
      expected = expected.shiftLeft(64).or(new BigInteger(Long.toUnsignedString(scalar[i])));
    }
    assertThat(sum).isEqualTo(expected);
  }

  /**
   * Checks each case alone, and hidden at several positions in a batch of good signatures, against
   * single verification; returns how many single verification accepts.
   */
  private static int assertBatchAgreesWithSingleVerification(List<Signed> cases) {
    List<Signed> cover = goodSignatures(7, 2, 99);
    int accepted = 0;
    List<String> wrong = new ArrayList<>();
    for (int c = 0; c < cases.size(); c++) {
      Signed tested = cases.get(c);
      boolean expected = tested.verifiesSingly();
      accepted += expected ? 1 : 0;

      Ed25519Batch alone = new Ed25519Batch(1, RANDOM);
      alone.add(tested.publicKey(), tested.message(), tested.signature());
      if (alone.verifyAll() != expected) {
        wrong.add("case " + c + " alone: batch says " + !expected);
      }

      Ed25519Batch among = new Ed25519Batch(8, RANDOM);
      int at = c % 8;
      for (int i = 0, j = 0; i < 8; i++) {
        Signed s = i == at ? tested : cover.get(j++);
        among.add(s.publicKey(), s.message(), s.signature());
      }
      if (among.verifyAll() != expected || among.verifyEach()[at] != expected) {
        wrong.add("case " + c + " among good ones: batch disagrees");
      }
    }
    assertThat(wrong).isEmpty();
    return accepted;
  }

  private static List<Signed> goodSignatures(int count, int keys, long seed) {
    Random random = new Random(seed);
    byte[][] seeds = new byte[keys][32];
    byte[][] publicKeys = new byte[keys][];
    for (int k = 0; k < keys; k++) {
      random.nextBytes(seeds[k]);
      publicKeys[k] = Ed25519Primitives.publicKey(seeds[k]);
    }
    List<Signed> signed = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int k = random.nextInt(keys);
      byte[] message = new byte[1 + random.nextInt(80)];
      random.nextBytes(message);
      signed.add(
          new Signed(
              publicKeys[k], message, Ed25519Primitives.sign(seeds[k], publicKeys[k], message)));
    }
    return signed;
  }

  /** One of six kinds of damage: R, S, the message, the key, S + L, or a signature of another. */
  private static Signed damage(Signed s, int kind) {
    byte[] signature = s.signature().clone();
    byte[] message = s.message().clone();
    byte[] publicKey = s.publicKey();
    switch (kind) {
      case 0 -> signature[3] ^= 0x10;
      case 1 -> signature[40] ^= 0x01;
      case 2 -> message[0] ^= (byte) 0x80;
      case 3 -> publicKey = Ed25519Primitives.publicKey(new byte[32]);
      case 4 -> {
        // S + L is the same residue but not canonical: single verification refuses it.
        BigInteger l =
            BigInteger.ONE
                .shiftLeft(252)
                .add(new BigInteger("27742317777372353535851937790883648493"));
        byte[] bigEndian = new byte[32];
        for (int b = 0; b < 32; b++) {
          bigEndian[b] = signature[63 - b];
        }
        BigInteger sPlusL = new BigInteger(1, bigEndian).add(l);
        byte[] out = sPlusL.toByteArray();
        for (int b = 0; b < 32; b++) {
          signature[32 + b] = b < out.length ? out[out.length - 1 - b] : 0;
        }
      }
      default -> message = "another message".getBytes(StandardCharsets.UTF_8);
    }
    return new Signed(publicKey, message, signature);
  }

  /** Affine Edwards arithmetic on BigInteger, slow and obvious, to craft signatures in tests. */
  private static final class Edwards {
    static final BigInteger P = BigInteger.ONE.shiftLeft(255).subtract(BigInteger.valueOf(19));
    static final BigInteger L =
        BigInteger.ONE.shiftLeft(252).add(new BigInteger("27742317777372353535851937790883648493"));
    static final BigInteger D =
        BigInteger.valueOf(-121665).multiply(BigInteger.valueOf(121666).modInverse(P)).mod(P);
    static final BigInteger[] IDENTITY = {BigInteger.ZERO, BigInteger.ONE};
    static final BigInteger[] BASE =
        decode(TestVectors.hex("5866666666666666666666666666666666666666666666666666666666666666"));

    static BigInteger[] add(BigInteger[] a, BigInteger[] b) {
      BigInteger xx = a[0].multiply(b[0]);
      BigInteger yy = a[1].multiply(b[1]);
      BigInteger dxy = D.multiply(xx).multiply(yy).mod(P);
      BigInteger x =
          a[0].multiply(b[1])
              .add(b[0].multiply(a[1]))
              .multiply(BigInteger.ONE.add(dxy).modInverse(P))
              .mod(P);
      BigInteger y = yy.add(xx).multiply(BigInteger.ONE.subtract(dxy).mod(P).modInverse(P)).mod(P);
      return new BigInteger[] {x, y};
    }

    static BigInteger[] times(BigInteger[] point, long n) {
      return times(point, BigInteger.valueOf(n));
    }

    static BigInteger[] times(BigInteger[] point, BigInteger n) {
      BigInteger[] result = IDENTITY;
      for (int i = n.bitLength() - 1; i >= 0; i--) {
        result = add(result, result);
        if (n.testBit(i)) {
          result = add(result, point);
        }
      }
      return result;
    }

    static BigInteger[] decode(byte[] encoded) {
      byte[] bigEndian = new byte[32];
      for (int i = 0; i < 32; i++) {
        bigEndian[i] = encoded[31 - i];
      }
      boolean sign = (bigEndian[0] & 0x80) != 0;
      bigEndian[0] &= 0x7F;
      BigInteger y = new BigInteger(1, bigEndian);
      BigInteger y2 = y.multiply(y);
      BigInteger x2 =
          y2.subtract(BigInteger.ONE)
              .multiply(D.multiply(y2).add(BigInteger.ONE).modInverse(P))
              .mod(P);
      BigInteger x = x2.modPow(P.add(BigInteger.valueOf(3)).shiftRight(3), P);
      if (!x.multiply(x).subtract(x2).mod(P).equals(BigInteger.ZERO)) {
        x = x.multiply(BigInteger.TWO.modPow(P.subtract(BigInteger.ONE).shiftRight(2), P)).mod(P);
      }
      if (x.testBit(0) != sign) {
        x = P.subtract(x).mod(P);
      }
      return new BigInteger[] {x, y};
    }

    static byte[] encode(BigInteger[] point) {
      byte[] out = new byte[32];
      byte[] bigEndian = point[1].toByteArray();
      for (int i = 0; i < 32 && i < bigEndian.length; i++) {
        out[i] = bigEndian[bigEndian.length - 1 - i];
      }
      if (point[0].testBit(0)) {
        out[31] |= (byte) 0x80;
      }
      return out;
    }

    static BigInteger littleEndian(byte[] bytes, int offset, int length) {
      byte[] bigEndian = new byte[length];
      for (int i = 0; i < length; i++) {
        bigEndian[i] = bytes[offset + length - 1 - i];
      }
      return new BigInteger(1, bigEndian);
    }

    static BigInteger clampedScalar(byte[] seed) throws Exception {
      byte[] h = MessageDigest.getInstance("SHA-512").digest(seed);
      h[0] &= (byte) 0xF8;
      h[31] &= 0x7F;
      h[31] |= 0x40;
      return littleEndian(h, 0, 32);
    }

    /** R = [r]B + T, S = r + k a with k over that R: valid only up to the torsion T. */
    static Signed signWithTorsion(
        BigInteger secret, byte[] publicKey, byte[] message, BigInteger[] torsion)
        throws Exception {
      BigInteger r = new BigInteger(256, RANDOM).mod(L);
      byte[] rEncoded = encode(add(times(BASE, r), torsion));
      MessageDigest sha512 = MessageDigest.getInstance("SHA-512");
      sha512.update(rEncoded);
      sha512.update(publicKey);
      sha512.update(message);
      BigInteger k = littleEndian(sha512.digest(), 0, 64).mod(L);
      BigInteger s = r.add(k.multiply(secret)).mod(L);
      byte[] signature = new byte[64];
      System.arraycopy(rEncoded, 0, signature, 0, 32);
      byte[] sBigEndian = s.toByteArray();
      for (int i = 0; i < 32 && i < sBigEndian.length; i++) {
        signature[32 + i] = sBigEndian[sBigEndian.length - 1 - i];
      }
      return new Signed(publicKey, message, signature);
    }
  }
}
