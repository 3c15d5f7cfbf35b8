package org.carbonledger.audit.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.carbonledger.audit.verify.VerifyOptions.TrustedKey;

/**
 * Reads the keys a regulator trusts from a file: the JSON array that {@code GET /api/v1/keys}
 * answers, saved at an earlier audit or received from the operator out of band. Only the ledger's
 * first keys are taken from it (those valid from leaf 0); every later key must come from a signed
 * rotation in the log.
 */
public final class TrustedKeys {

  private TrustedKeys() {}

  /**
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException if it is not such a JSON array, or names no first key
   */
  public static List<TrustedKey> read(Path file) throws IOException {
    JsonNode keys;
    try {
      keys = new ObjectMapper().readTree(Files.readString(file));
    } catch (IOException e) {
      if (!Files.exists(file)) {
        throw e;
      }
      throw new IllegalArgumentException(file + " is not JSON: " + e.getMessage());
    }
    if (keys == null || !keys.isArray()) {
      throw new IllegalArgumentException(file + " must hold the JSON array of GET /api/v1/keys");
    }
    List<TrustedKey> trusted = new ArrayList<>();
    for (JsonNode key : keys) {
      JsonNode from = key.get("validFrom");
      if (from == null || !from.isIntegralNumber() || from.asLong() != 0) {
        continue;
      }
      String purpose = text(file, key, "purpose");
      if (!purpose.equals("entry") && !purpose.equals("checkpoint")) {
        throw new IllegalArgumentException(file + " names a key of unknown purpose " + purpose);
      }
      try {
        trusted.add(
            new TrustedKey(
                purpose,
                text(file, key, "keyName"),
                Base64.getDecoder().decode(text(file, key, "publicKey"))));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(file + " holds a public key that is not base64");
      }
    }
    if (trusted.isEmpty()) {
      throw new IllegalArgumentException(file + " names no first key (validFrom 0)");
    }
    return trusted;
  }

  private static String text(Path file, JsonNode key, String field) {
    JsonNode value = key.get(field);
    if (value == null || !value.isTextual()) {
      throw new IllegalArgumentException(file + ": every key needs a text field " + field);
    }
    return value.asText();
  }
}
