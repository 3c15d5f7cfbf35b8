package org.carbonledger.audit.bundle;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.carbonledger.chain.Hashing;

/**
 * Writes one JSON Lines file of a bundle, one record a line, hashing and counting what it writes so
 * that the manifest can list the file without reading it again.
 */
final class JsonlWriter implements Closeable {

  private final ObjectMapper json;
  private final MessageDigest digest;
  private final OutputStream out;
  private long lines;
  private long bytes;

  JsonlWriter(Path file, ObjectMapper json) throws IOException {
    this.json = json;
    this.digest = sha256();
    this.out =
        new DigestOutputStream(
            new BufferedOutputStream(
                Files.newOutputStream(file, StandardOpenOption.CREATE_NEW), 1 << 16),
            digest);
  }

  void write(ObjectNode record) throws IOException {
    byte[] line = json.writeValueAsBytes(record);
    out.write(line);
    out.write('\n');
    lines++;
    bytes += line.length + 1L;
  }

  long lines() {
    return lines;
  }

  long bytes() {
    return bytes;
  }

  /** The SHA-256 of everything written, lowercase hex; call after {@link #close}. */
  String sha256Hex() {
    return Hashing.hex(digest.digest());
  }

  @Override
  public void close() throws IOException {
    out.close();
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
