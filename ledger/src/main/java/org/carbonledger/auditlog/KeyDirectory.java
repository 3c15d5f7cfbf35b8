package org.carbonledger.auditlog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.carbonledger.chain.Ed25519Signer;

/**
 * The ledger's signing keys as files: PKCS#8 PEM for the private keys (readable by the owner only)
 * and SubjectPublicKeyInfo PEM for the public ones, which are meant to be published.
 *
 * <p>For each {@link KeyPurpose} the directory holds the current key ({@code entry-signing.pem}),
 * perhaps a staged successor waiting to be rotated in ({@code entry-signing.next.pem}), and the
 * keys rotated out ({@code retired/entry-signing-<key id>.pem}).
 *
 * <p>Keys are generated on first start of an empty ledger only. They never belong in the
 * repository: the directory is configured ({@code ledger.keys-dir}), by default under the data
 * directory. Signing goes through {@link org.carbonledger.chain.EntrySigner}, so a hardware
 * security module can later replace these files without touching the chain.
 */
public final class KeyDirectory {

  private final Path directory;
  private final String origin;

  private KeyDirectory(Path directory, String origin) {
    this.directory = directory;
    this.origin = origin;
  }

  /** The keys directory of the ledger named {@code origin}. */
  public static KeyDirectory at(Path directory, String origin) {
    return new KeyDirectory(directory, origin);
  }

  /**
   * Loads the keys that the ledger says are current, creating them only for a ledger that has no
   * keys yet.
   *
   * <p>If a rotation committed but the service stopped before the files were moved, the staged key
   * is the current one: the move is finished here.
   *
   * @param current the ledger's current key id of each purpose ({@link PublishedKeys#current});
   *     empty for a new ledger
   * @throws IllegalStateException if the directory lacks a key the ledger signs with: a wrong or
   *     lost directory must stop the service, never silently start a second key history
   */
  public LedgerIdentity open(Map<KeyPurpose, String> current) {
    try {
      Files.createDirectories(directory);
      if (current.isEmpty()) {
        return new LedgerIdentity(
            origin, loadOrCreate(KeyPurpose.ENTRY), loadOrCreate(KeyPurpose.CHECKPOINT));
      }
      return new LedgerIdentity(
          origin,
          loadCurrent(KeyPurpose.ENTRY, current.get(KeyPurpose.ENTRY)),
          loadCurrent(KeyPurpose.CHECKPOINT, current.get(KeyPurpose.CHECKPOINT)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create the signing keys in " + directory, e);
    }
  }

  /** The key staged to replace a purpose's current key, if an operator has placed one. */
  public Optional<Ed25519Signer> staged(KeyPurpose purpose) {
    try {
      return read(purpose, stagedFile(purpose));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the staged " + purpose.column() + " key", e);
    }
  }

  /**
   * Makes the staged key the current one, once its rotation has committed, and keeps the retired
   * key under {@code retired/}. A retired entry key is never loaded again; a retired checkpoint key
   * signs only checkpoints that end inside its validity range.
   */
  public void promote(KeyPurpose purpose) {
    try {
      Optional<Ed25519Signer> retiring = read(purpose, currentFile(purpose));
      if (retiring.isPresent()) {
        Path retired = directory.resolve("retired");
        Files.createDirectories(retired);
        String name = purpose.fileName() + "-" + retiring.get().keyId();
        Files.move(
            currentFile(purpose),
            retired.resolve(name + ".pem"),
            StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
        Files.deleteIfExists(publicFile(purpose));
        write(retired.resolve(name + ".pub.pem"), retiring.get().publicKeyPem());
      }
      Files.move(stagedFile(purpose), currentFile(purpose), StandardCopyOption.ATOMIC_MOVE);
      Ed25519Signer promoted = read(purpose, currentFile(purpose)).orElseThrow();
      write(publicFile(purpose), promoted.publicKeyPem());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "the rotation of the "
              + purpose.column()
              + " key committed, but its files in "
              + directory
              + " could not be moved; the next start finishes the move",
          e);
    }
  }

  /**
   * The keys of a purpose that were rotated out. A retired checkpoint key may still be needed to
   * sign checkpoints that end before its rotation event's leaf, when the service restarted before
   * the sequencer logged that event.
   */
  public List<Ed25519Signer> retired(KeyPurpose purpose) {
    Path retired = directory.resolve("retired");
    if (!Files.isDirectory(retired)) {
      return List.of();
    }
    List<Ed25519Signer> keys = new ArrayList<>();
    try (DirectoryStream<Path> files =
        Files.newDirectoryStream(retired, purpose.fileName() + "-????????.pem")) {
      for (Path file : files) {
        keys.add(read(purpose, file).orElseThrow());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the retired keys in " + retired, e);
    }
    return keys;
  }

  private Ed25519Signer loadCurrent(KeyPurpose purpose, String keyId) throws IOException {
    if (keyId == null) {
      throw new IllegalStateException(
          "the ledger publishes no " + purpose.column() + " key; its ledger_key table is damaged");
    }
    Optional<Ed25519Signer> key = read(purpose, currentFile(purpose));
    if (key.isPresent() && key.get().keyId().equals(keyId)) {
      return key.get();
    }
    Optional<Ed25519Signer> staged = read(purpose, stagedFile(purpose));
    if (staged.isPresent() && staged.get().keyId().equals(keyId)) {
      // The rotation to the staged key committed, but the files were not moved yet.
      promote(purpose);
      return staged.get();
    }
    throw new IllegalStateException(
        "the ledger's current "
            + purpose.column()
            + " key is "
            + keyId
            + ", but "
            + currentFile(purpose)
            + (key.isPresent() ? " holds key " + key.get().keyId() : " does not exist")
            + "; start the service with the keys directory of this ledger");
  }

  private Ed25519Signer loadOrCreate(KeyPurpose purpose) throws IOException {
    Optional<Ed25519Signer> key = read(purpose, currentFile(purpose));
    if (key.isPresent()) {
      if (!Files.exists(publicFile(purpose))) {
        write(publicFile(purpose), key.get().publicKeyPem());
      }
      return key.get();
    }
    Ed25519Signer signer = Ed25519Signer.generate(purpose.keyName(origin), new SecureRandom());
    writeOwnerOnly(currentFile(purpose), signer.privateKeyPem());
    write(publicFile(purpose), signer.publicKeyPem());
    return signer;
  }

  private Optional<Ed25519Signer> read(KeyPurpose purpose, Path file) throws IOException {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    return Optional.of(
        Ed25519Signer.fromPem(
            purpose.keyName(origin), Files.readString(file, StandardCharsets.US_ASCII)));
  }

  private Path currentFile(KeyPurpose purpose) {
    return directory.resolve(purpose.fileName() + ".pem");
  }

  private Path stagedFile(KeyPurpose purpose) {
    return directory.resolve(purpose.fileName() + ".next.pem");
  }

  private Path publicFile(KeyPurpose purpose) {
    return directory.resolve(purpose.fileName() + ".pub.pem");
  }

  private static void write(Path file, String content) throws IOException {
    Files.writeString(file, content, StandardCharsets.US_ASCII);
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
      write(temporary, content);
      Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }
}
