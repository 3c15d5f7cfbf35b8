package org.carbonledger.auditlog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.carbonledger.chain.Ed25519Signer;

/**
 * The ledger's signing keys as files: PKCS#8 PEM for the private keys (readable by the owner only)
 * and SubjectPublicKeyInfo PEM for the public ones, which are meant to be published.
 *
 * <p>Keys are generated on first start if absent. They never belong in the repository: the
 * directory is configured ({@code ledger.keys-dir}), by default under the data directory. Signing
 * goes through {@link org.carbonledger.chain.EntrySigner}, so a hardware security module can later
 * replace these files without touching the chain.
 */
public final class KeyDirectory {

  static final String ENTRY_KEY = "entry-signing";
  static final String LOG_KEY = "checkpoint-signing";

  private KeyDirectory() {}

  /**
   * Loads this ledger's keys from {@code directory}, creating the directory and the keys that are
   * missing.
   */
  public static LedgerIdentity loadOrCreate(Path directory, String origin) {
    try {
      Files.createDirectories(directory);
      return new LedgerIdentity(
          origin,
          loadOrCreate(directory, ENTRY_KEY, origin + "/entries"),
          loadOrCreate(directory, LOG_KEY, origin));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create the signing keys in " + directory, e);
    }
  }

  private static Ed25519Signer loadOrCreate(Path directory, String file, String keyName)
      throws IOException {
    Path privatePem = directory.resolve(file + ".pem");
    Path publicPem = directory.resolve(file + ".pub.pem");
    if (Files.exists(privatePem)) {
      Ed25519Signer signer =
          Ed25519Signer.fromPem(keyName, Files.readString(privatePem, StandardCharsets.US_ASCII));
      if (!Files.exists(publicPem)) {
        Files.writeString(publicPem, signer.publicKeyPem(), StandardCharsets.US_ASCII);
      }
      return signer;
    }
    Ed25519Signer signer = Ed25519Signer.generate(keyName, new SecureRandom());
    writeOwnerOnly(privatePem, signer.privateKeyPem());
    Files.writeString(publicPem, signer.publicKeyPem(), StandardCharsets.US_ASCII);
    return signer;
  }

  /**
   * Writes a private key readable by its owner only, through a temporary file moved into place, so
   * that a crash never leaves an empty or half-written key behind.
   */
  private static void writeOwnerOnly(Path file, String content) throws IOException {
    Path temporary;
    try {
      temporary =
          Files.createTempFile(
              file.getParent(),
              file.getFileName().toString(),
              ".tmp",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      temporary = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
    }
    try {
      Files.writeString(temporary, content, StandardCharsets.US_ASCII);
      Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }
}
