package org.carbonledger.chain;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Ed25519 keys as PEM files (RFC 8410 with RFC 7468 armour), built with Bouncy Castle's ASN.1
 * classes so that no JCA provider is involved.
 *
 * <p>Private keys are PKCS#8 {@code PrivateKeyInfo} ({@code -----BEGIN PRIVATE KEY-----}) whose
 * private key is an OCTET STRING holding the 32-byte seed; public keys are {@code
 * SubjectPublicKeyInfo} ({@code -----BEGIN PUBLIC KEY-----}). Both use the algorithm identifier
 * 1.3.101.112 (id-Ed25519) with absent parameters. These are the files {@code openssl genpkey
 * -algorithm ed25519} and {@code openssl pkey -pubout} read and write.
 */
public final class KeyPem {

  private static final String PRIVATE_LABEL = "PRIVATE KEY";
  private static final String PUBLIC_LABEL = "PUBLIC KEY";

  /**
   * id-Ed25519 (RFC 8410). Bouncy Castle names it in bcutil, which the core does not depend on, so
   * it is spelled out here.
   */
  private static final ASN1ObjectIdentifier ID_ED25519 = new ASN1ObjectIdentifier("1.3.101.112");

  private static final AlgorithmIdentifier ED25519 = new AlgorithmIdentifier(ID_ED25519);

  private KeyPem() {}

  /**
   * Writes a private key seed as PKCS#8 PEM.
   *
   * @param seed exactly 32 bytes
   * @return PEM text ending in a newline
   */
  public static String encodePrivateKey(byte[] seed) {
    Ed25519Primitives.requireLength(seed, Ed25519Primitives.SEED_BYTES, "seed");
    try {
      PrivateKeyInfo info = new PrivateKeyInfo(ED25519, new DEROctetString(seed));
      return armour(PRIVATE_LABEL, info.getEncoded(ASN1Encoding.DER));
    } catch (IOException e) {
      // Encoding an in-memory structure of fixed shape does not perform I/O.
      throw new IllegalStateException("cannot encode a PKCS#8 structure", e);
    }
  }

  /**
   * Reads a PKCS#8 PEM Ed25519 private key. Version 1 files (RFC 5958 {@code OneAsymmetricKey}) are
   * accepted when the public key they embed matches the seed.
   *
   * @param pem the PEM text; text around the armour is ignored
   * @return the 32-byte seed
   * @throws ChainException carrying {@link ChainFailure.MalformedKey} if the text is not a DER
   *     PKCS#8 Ed25519 private key
   */
  public static byte[] decodePrivateKey(String pem) {
    byte[] der = unarmour(pem, PRIVATE_LABEL);
    try {
      PrivateKeyInfo info = PrivateKeyInfo.getInstance(readDer(der));
      checkAlgorithm(info.getPrivateKeyAlgorithm());
      int version = info.getVersion().intValueExact();
      if (version != 0 && version != 1) {
        throw malformed("unsupported PKCS#8 version " + version);
      }
      ASN1Encodable inner = info.parsePrivateKey();
      byte[] seed = ASN1OctetString.getInstance(inner).getOctets();
      if (seed.length != Ed25519Primitives.SEED_BYTES) {
        throw malformed("private key is " + seed.length + " bytes, not 32");
      }
      if (info.hasPublicKey()) {
        byte[] embedded = info.getPublicKeyData().getOctets();
        if (!Arrays.equals(embedded, Ed25519Primitives.publicKey(seed))) {
          throw malformed("the embedded public key does not belong to the private key");
        }
      }
      return seed;
    } catch (IOException | IllegalArgumentException | ArithmeticException e) {
      throw malformed("not a PKCS#8 Ed25519 private key: " + e.getMessage());
    }
  }

  /**
   * Writes a public key as SubjectPublicKeyInfo PEM.
   *
   * @param publicKey exactly 32 bytes
   * @return PEM text ending in a newline
   */
  public static String encodePublicKey(byte[] publicKey) {
    Ed25519Primitives.requireLength(publicKey, Ed25519Primitives.PUBLIC_KEY_BYTES, "publicKey");
    try {
      return armour(
          PUBLIC_LABEL, new SubjectPublicKeyInfo(ED25519, publicKey).getEncoded(ASN1Encoding.DER));
    } catch (IOException e) {
      // Encoding an in-memory structure of fixed shape does not perform I/O.
      throw new IllegalStateException("cannot encode a SubjectPublicKeyInfo", e);
    }
  }

  /**
   * Reads a SubjectPublicKeyInfo PEM Ed25519 public key and checks that it is a valid point of
   * prime order, because a ledger key that is not can never have signed anything honestly.
   *
   * @param pem the PEM text; text around the armour is ignored
   * @return the 32-byte public key
   * @throws ChainException carrying {@link ChainFailure.MalformedKey} if the text is not a DER
   *     Ed25519 public key
   */
  public static byte[] decodePublicKey(String pem) {
    byte[] der = unarmour(pem, PUBLIC_LABEL);
    try {
      SubjectPublicKeyInfo info = SubjectPublicKeyInfo.getInstance(readDer(der));
      checkAlgorithm(info.getAlgorithm());
      if (info.getPublicKeyData().getPadBits() != 0) {
        throw malformed("public key bit string has unused bits");
      }
      byte[] publicKey = info.getPublicKeyData().getOctets();
      return checkPublicKey(publicKey);
    } catch (IOException | IllegalArgumentException e) {
      throw malformed("not an Ed25519 SubjectPublicKeyInfo: " + e.getMessage());
    }
  }

  /**
   * Checks that raw bytes are an Ed25519 public key: 32 bytes, the canonical encoding of a curve
   * point, and of prime order.
   *
   * @param publicKey the candidate, not null
   * @return the same array, for chaining
   * @throws ChainException carrying {@link ChainFailure.MalformedKey} if it is not
   */
  public static byte[] checkPublicKey(byte[] publicKey) {
    Objects.requireNonNull(publicKey, "publicKey");
    if (publicKey.length != Ed25519Primitives.PUBLIC_KEY_BYTES) {
      throw malformed("public key is " + publicKey.length + " bytes, not 32");
    }
    if (!Ed25519.validatePublicKeyFull(publicKey, 0)) {
      throw malformed("public key is not a valid Ed25519 point of prime order");
    }
    return publicKey;
  }

  private static ASN1Primitive readDer(byte[] der) throws IOException {
    ASN1Primitive primitive = ASN1Primitive.fromByteArray(der);
    // Re-encoding must give the same bytes: BER or trailing data would let one key have many
    // files, and key files are compared and fingerprinted by their bytes.
    if (!Arrays.equals(primitive.getEncoded(ASN1Encoding.DER), der)) {
      throw new IOException("not DER or has trailing data");
    }
    return primitive;
  }

  private static void checkAlgorithm(AlgorithmIdentifier algorithm) {
    if (!ID_ED25519.equals(algorithm.getAlgorithm())) {
      throw malformed("algorithm is " + algorithm.getAlgorithm() + ", not 1.3.101.112 (Ed25519)");
    }
    if (algorithm.getParameters() != null) {
      throw malformed("Ed25519 algorithm parameters must be absent (RFC 8410)");
    }
  }

  private static String armour(String label, byte[] der) {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
  }

  private static byte[] unarmour(String pem, String label) {
    Objects.requireNonNull(pem, "pem");
    String begin = "-----BEGIN " + label + "-----";
    String end = "-----END " + label + "-----";
    int from = pem.indexOf(begin);
    if (from < 0) {
      throw malformed("no '" + begin + "' line");
    }
    int to = pem.indexOf(end, from);
    if (to < 0) {
      throw malformed("no '" + end + "' line");
    }
    String body = pem.substring(from + begin.length(), to).replaceAll("[\\r\\n\\t ]", "");
    try {
      return Base64.getDecoder().decode(body);
    } catch (IllegalArgumentException e) {
      throw malformed("PEM body is not base64");
    }
  }

  private static ChainException malformed(String reason) {
    return new ChainException(new ChainFailure.MalformedKey(reason));
  }
}
