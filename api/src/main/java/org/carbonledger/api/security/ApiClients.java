package org.carbonledger.api.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Registry-issued API keys. A key reads {@code cl_<client id>.<secret>}; the client id finds the
 * row, and the secret is compared with the stored SHA-256 of it in constant time. The secret is
 * shown once, when the key is issued, and never stored.
 *
 * <p>A key that authenticated is remembered for a short while ({@code ledger.api-key-cache-ttl}, 5
 * s by default), so that a busy client does not cost a database round trip and a transaction on
 * every request. Revoking a key forgets it on this node at once; on other nodes of the same
 * registry it stops authenticating within that while. Keys that fail are never remembered: the
 * secret of a remembered key is still checked on every request.
 */
public final class ApiClients {

  private static final Pattern TOKEN = Pattern.compile("cl_([0-9a-f]{16})\\.([A-Za-z0-9_-]{43})");
  private static final SecureRandom RANDOM = new SecureRandom();

  /** More keys than this in use at once empties the cache rather than letting it grow. */
  private static final int MAX_REMEMBERED = 10_000;

  private final JdbcTemplate jdbc;
  private final long rememberNanos;
  private final Map<String, Remembered> remembered = new ConcurrentHashMap<>();

  /** When the last revocation on this node finished; a row read before it is not remembered. */
  private volatile long revokedAt = System.nanoTime();

  /** A key as read from its row, and when. */
  private record Remembered(Caller caller, byte[] secretHash, long readAt) {}

  /** Keys are read from the database on every request. */
  public ApiClients(JdbcTemplate jdbc) {
    this(jdbc, Duration.ZERO);
  }

  /**
   * @param remember how long a key that authenticated is trusted without reading its row again;
   *     zero reads it on every request
   */
  public ApiClients(JdbcTemplate jdbc, Duration remember) {
    if (remember.isNegative()) {
      throw new IllegalArgumentException("ledger.api-key-cache-ttl must not be negative");
    }
    this.jdbc = jdbc;
    this.rememberNanos = remember.toNanos();
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
    String clientId = matcher.group(1);
    byte[] secretHash = sha256(matcher.group(2));
    Remembered known = remembered.get(clientId);
    if (known != null && System.nanoTime() - known.readAt() < rememberNanos) {
      return MessageDigest.isEqual(known.secretHash(), secretHash)
          ? Optional.of(known.caller())
          : Optional.empty();
    }
    long readAt = System.nanoTime();
    List<Remembered> found =
        jdbc.query(
            "SELECT client_id, name, role, account_ids, secret_hash FROM api_client"
                + " WHERE client_id = ? AND revoked_at IS NULL",
            (row, n) ->
                new Remembered(
                    new Caller(
                        row.getString(1),
                        row.getString(2),
                        Role.valueOf(row.getString(3)),
                        accounts(row.getString(4))),
                    row.getBytes(5),
                    readAt),
            clientId);
    if (found.isEmpty()) {
      remembered.remove(clientId);
      return Optional.empty();
    }
    Remembered row = found.get(0);
    if (!MessageDigest.isEqual(row.secretHash(), secretHash)) {
      return Optional.empty();
    }
    if (rememberNanos > 0) {
      if (remembered.size() >= MAX_REMEMBERED) {
        remembered.clear();
      }
      remembered.put(clientId, row);
      // Put, then check: a revocation that finished after this row was read has set revokedAt
      // before removing the key, so either its removal or this one takes the row out again.
      if (readAt - revokedAt <= 0) {
        remembered.remove(clientId, row);
      }
    }
    return Optional.of(row.caller());
  }

  /** Revokes a key; it authenticates nothing from now on. */
  public boolean revoke(String clientId) {
    boolean revoked =
        jdbc.update(
                "UPDATE api_client SET revoked_at = ? WHERE client_id = ? AND revoked_at IS NULL",
                Instant.now().toString(),
                clientId)
            == 1;
    // A request that read the row before the update may still be about to remember it: the time
    // is marked first, so that the request's own check after it remembers the row takes it out
    // again, then the key is forgotten here.
    revokedAt = System.nanoTime();
    remembered.remove(clientId);
    return revoked;
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
