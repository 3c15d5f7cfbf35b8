package org.carbonledger.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.carbonledger.chain.ChainException;
import org.carbonledger.chain.KeyIds;
import org.carbonledger.chain.note.NoteVerifierKey;

/**
 * The keys a regulator trusts, read from a file: either the JSON array that {@code GET
 * /api/v1/keys} returns (each with key id, name, purpose, base64 public key and leaf range), or
 * C2SP vkey lines ({@code <name>+<key id>+<base64>}, one a line; blank lines and lines starting
 * with {@code #} are skipped), which carry neither purpose nor range. {@code prove} checks a
 * certificate's keys against all of them; {@code verify --keys} takes the ledger's first keys from
 * them (those valid from leaf 0) and derives every later key from the log.
 */
public final class TrustedKeyFile {

  /**
   * One trusted key.
   *
   * @param purpose {@code entry} or {@code checkpoint}; null for a vkey line
   * @param validFrom the first leaf it may sign; null when unknown (vkey) or not logged yet
   * @param validUntil the first leaf it may no longer sign; null when open-ended or unknown
   * @param rangeKnown false for a vkey line, whose range the file does not state
   */
  public record TrustedKey(
      String keyId,
      String name,
      String purpose,
      byte[] publicKey,
      Long validFrom,
      Long validUntil,
      boolean rangeKnown) {}

  private TrustedKeyFile() {}

  /**
   * Reads the file.
   *
   * @throws IOException if it cannot be read or holds no valid keys; the message is one line
   */
  public static List<TrustedKey> read(Path file) throws IOException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IOException("cannot read the trusted keys: no file " + file);
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new IOException("the trusted keys file " + file + " is not UTF-8 text");
    } catch (IOException e) {
      throw new IOException(
          "cannot read the trusted keys " + file + ": " + FileProblems.reason(e), e);
    }
    List<TrustedKey> keys =
        text.stripLeading().startsWith("[") ? fromJson(file, text) : fromVkeys(file, text);
    if (keys.isEmpty()) {
      throw new IOException("the trusted keys file " + file + " holds no key");
    }
    return keys;
  }

  private static List<TrustedKey> fromJson(Path file, String text) throws IOException {
    JsonNode array;
    try {
      array = new ObjectMapper().readTree(text);
    } catch (JsonProcessingException e) {
      throw new IOException(file + " is not valid JSON: " + e.getOriginalMessage());
    }
    List<TrustedKey> keys = new ArrayList<>();
    int index = 0;
    for (JsonNode key : array) {
      String where = file + " [" + index++ + "]";
      try {
        String name = key.path("keyName").asText();
        byte[] publicKey = Base64.getDecoder().decode(key.path("publicKey").asText());
        NoteVerifierKey checked = new NoteVerifierKey(name, publicKey);
        String keyId = KeyIds.ledgerKeyId(name, publicKey);
        if (key.hasNonNull("keyId") && !keyId.equals(key.get("keyId").asText())) {
          throw new IOException(
              where
                  + ": key id "
                  + key.get("keyId").asText()
                  + " is not that of its key, "
                  + keyId);
        }
        keys.add(
            new TrustedKey(
                keyId,
                checked.name(),
                key.hasNonNull("purpose") ? key.get("purpose").asText() : null,
                publicKey,
                key.hasNonNull("validFrom") ? key.get("validFrom").asLong() : null,
                key.hasNonNull("validUntil") ? key.get("validUntil").asLong() : null,
                true));
      } catch (ChainException e) {
        throw new IOException(where + " is not a valid key: " + e.failure().describe());
      } catch (IllegalArgumentException e) {
        throw new IOException(where + " is not a valid key: " + e.getMessage());
      }
    }
    return keys;
  }

  private static List<TrustedKey> fromVkeys(Path file, String text) throws IOException {
    List<TrustedKey> keys = new ArrayList<>();
    int number = 0;
    for (String line : text.split("\n", -1)) {
      number++;
      String vkey = line.strip();
      if (vkey.isEmpty() || vkey.startsWith("#")) {
        continue;
      }
      try {
        NoteVerifierKey key = NoteVerifierKey.parse(vkey);
        keys.add(
            new TrustedKey(key.keyIdHex(), key.name(), null, key.publicKey(), null, null, false));
      } catch (ChainException e) {
        throw new IOException(
            file + " line " + number + " is not a vkey: " + e.failure().describe());
      }
    }
    return keys;
  }
}
