package org.carbonledger.api.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Registry-issued API keys. A key reads {@code cl_<client id>.<secret>}; the client id finds the
 * row, and the secret is compared with the stored SHA-256 of it in constant time. The secret is
 * shown once, when the key is issued, and never stored.
 */
public final class ApiClients {

  private static final Pattern TOKEN = Pattern.compile("cl_([0-9a-f]{16})\\.([A-Za-z0-9_-]{43})");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final JdbcTemplate jdbc;

  public ApiClients(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** A newly issued key: the token is shown to its holder once. */
  public record IssuedKey(String clientId, String token) {}

  /**
   * Issues a key.
   *
   * @param createdBy the actor who issued it
   */
  public IssuedKey issue(String name, Role role, Set<String> accountIds, String createdBy) {
    byte[] id = new byte[8];
    byte[] secret = new byte[32];
    RANDOM.nextBytes(id);
    RANDOM.nextBytes(secret);
    String clientId = HexFormat.of().formatHex(id);
    String encodedSecret = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    register(clientId, name, role, accountIds, encodedSecret, createdBy);
    return new IssuedKey(clientId, "cl_" + clientId + "." + encodedSecret);
  }

  /**
   * Registers a key whose token was chosen outside, such as the bootstrap operator's from {@code
   * LEDGER_BOOTSTRAP_TOKEN}.
   *
   * @throws IllegalArgumentException if the token is not of the form {@code cl_<16 hex>.<43
   *     base64url>}
   */
  public String registerToken(String token, String name, Role role, String createdBy) {
    var matcher = TOKEN.matcher(token);
    if (!matcher.matches()) {
      throw new IllegalArgumentException(
          "an API key reads cl_<16 lowercase hex digits>.<43 base64url characters>");
    }
    register(matcher.group(1), name, role, Set.of(), matcher.group(2), createdBy);
    return matcher.group(1);
  }

  /** The caller a bearer token authenticates, if it is a valid key that was not revoked. */
  public Optional<Caller> authenticate(String token) {
    var matcher = TOKEN.matcher(token);
    if (!matcher.matches()) {
      return Optional.empty();
    }
    List<Caller> found =
        jdbc.query(
            "SELECT client_id, name, role, account_ids, secret_hash FROM api_client"
                + " WHERE client_id = ? AND revoked_at IS NULL",
            (row, n) ->
                MessageDigest.isEqual(row.getBytes(5), sha256(matcher.group(2)))
                    ? new Caller(
                        row.getString(1),
                        row.getString(2),
                        Role.valueOf(row.getString(3)),
                        accounts(row.getString(4)))
                    : null,
            matcher.group(1));
    return found.stream().filter(caller -> caller != null).findFirst();
  }

  /** Revokes a key; it authenticates nothing from now on. */
  public boolean revoke(String clientId) {
    return jdbc.update(
            "UPDATE api_client SET revoked_at = ? WHERE client_id = ? AND revoked_at IS NULL",
            Instant.now().toString(),
            clientId)
        == 1;
  }

  /** Whether any key of a role is active. */
  public boolean anyActive(Role role) {
    Long count =
        jdbc.queryForObject(
            "SELECT count(*) FROM api_client WHERE role = ? AND revoked_at IS NULL",
            Long.class,
            role.name());
    return count != null && count > 0;
  }

  private void register(
      String clientId,
      String name,
      Role role,
      Set<String> accountIds,
      String secret,
      String createdBy) {
    jdbc.update(
        "INSERT INTO api_client (client_id, name, role, account_ids, secret_hash, created_at,"
            + " created_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
        clientId,
        name,
        role.name(),
        String.join(",", accountIds),
        sha256(secret),
        Instant.now().toString(),
        createdBy);
  }

  private static Set<String> accounts(String column) {
    Set<String> accounts = new LinkedHashSet<>();
    Arrays.stream(column.split(",")).filter(s -> !s.isBlank()).forEach(accounts::add);
    return accounts;
  }

  private static byte[] sha256(String secret) {
    try {
      return MessageDigest.getInstance("SHA-256")
          .digest(secret.getBytes(StandardCharsets.US_ASCII));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
