package org.carbonledger.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.carbonledger.accounts.AccountCommand.OpenAccount;
import org.carbonledger.accounts.HolderType;
import org.carbonledger.audit.verify.VerifyOptions;
import org.carbonledger.auditlog.Checkpointer;
import org.carbonledger.auditlog.KeyPurpose;
import org.carbonledger.auditlog.KeyRotation;
import org.carbonledger.auditlog.SigningKeys;
import org.carbonledger.chain.Ed25519Signer;
import org.carbonledger.credits.BatchCommand.TransferCredits;
import org.carbonledger.testsupport.RegistrySetup;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Both signing keys rotated while transfers keep arriving: each new key is introduced by a signed,
 * logged event, takes over at the very next leaf, and the regulator's verifier, which trusts only
 * the ledger's first keys, follows the rotation and accepts each key only inside its range.
 */
@DirtiesContext
@SpringBootTest(properties = "ledger.checkpoint.interval-ms=200")
@ActiveProfiles("postgres")
class KeyRotationPostgresIT {

  private static final String ORIGIN = "test.carbonledger.example/wuhan";
  private static Path keysDir;
  private static boolean rotated;
  private static Ed25519Signer oldEntryKey;
  private static Ed25519Signer newEntryKey;
  private static Ed25519Signer newCheckpointKey;
  private static long rotationLeaf;

  @DynamicPropertySource
  static void postgres(DynamicPropertyRegistry registry) {
    PostgresSchema.use(registry, "key_rotation");
    registry.add("ledger.keys-dir", () -> keysDir.toString());
    registry.add("ledger.origin", () -> ORIGIN);
  }

  @BeforeAll
  static void aKeysDirectory() throws IOException {
    keysDir = Files.createTempDirectory("key-rotation-");
  }

  @Autowired CommandGateway commands;
  @Autowired JdbcTemplate jdbc;
  @Autowired Checkpointer checkpointer;
  @Autowired KeyRotation keyRotation;

  @BeforeEach
  void bothKeysRotatedUnderLoad() throws Exception {
    synchronized (KeyRotationPostgresIT.class) {
      if (rotated) {
        return;
      }
      commands.sendAndWait(new OpenAccount("k-green", HolderType.PLATFORM, "Green", "CN-HB"));
      commands.sendAndWait(new OpenAccount("k-expo", HolderType.ORGANISER, "Expo", "CN-HB"));
      RegistrySetup.approvedProject(commands::sendAndWait, "KEYS-P", "k-green");
      RegistrySetup.issue(commands::sendAndWait, "KEYS-P", 10_000, "k-green");
      oldEntryKey = readKey("entry-signing.pem", ORIGIN + "/entries");

      newEntryKey = stage("entry-signing.next.pem", ORIGIN + "/entries");
      newCheckpointKey = stage("checkpoint-signing.next.pem", ORIGIN);
      AtomicBoolean running = new AtomicBoolean(true);
      AtomicInteger transfers = new AtomicInteger();
      ExecutorService clients = Executors.newFixedThreadPool(4);
      List<Future<?>> load = new ArrayList<>();
      for (int client = 0; client < 4; client++) {
        int id = client;
        load.add(
            clients.submit(
                () -> {
                  // Each client keeps transferring until the rotations are done and a little
                  // after, so that writes are in flight on both sides of each rotation.
                  int after = 0;
                  for (int i = 0; running.get() || after++ < 10; i++) {
                    commands.sendAndWait(
                        new TransferCredits(
                            "KEYS-P-B1", "t-" + id + "-" + i, "k-green", "k-expo", 1, null));
                    transfers.incrementAndGet();
                  }
                  return null;
                }));
      }
      while (transfers.get() < 20) {
        Thread.sleep(10);
      }
      assertThat(keyRotation.rotateStaged(KeyPurpose.ENTRY, "yearly rotation"))
          .contains(newEntryKey.keyId());
      assertThat(keyRotation.rotateStaged(KeyPurpose.CHECKPOINT, "yearly rotation"))
          .contains(newCheckpointKey.keyId());
      running.set(false);
      for (Future<?> client : load) {
        client.get();
      }
      clients.shutdown();
      LedgerCopy.awaitEverythingLogged(jdbc);
      checkpointer.checkpoint();
      rotationLeaf =
          jdbc.queryForObject(
              "SELECT leaf_index FROM merkle_leaf WHERE stream_id = ? AND sequence_number = 0",
              Long.class,
              SigningKeys.STREAM_ID);
      rotated = true;
    }
  }

  @Test
  void theRotatedLedgerVerifiesWithOnlyItsFirstKeysTrusted() throws SQLException {
    var report = LedgerCopy.of(jdbc).verify();

    assertThat(report.findings()).isEmpty();
    assertThat(report.keys()).isEqualTo(4);
    assertThat(report.entriesNotYetLogged()).isZero();
  }

  @Test
  void everyEntryUpToTheRotationIsSignedByTheOldKeyAndEveryLaterOneByTheNew() {
    List<Map<String, Object>> signers =
        jdbc.queryForList(
            "SELECT c.key_id, min(l.leaf_index) AS first, max(l.leaf_index) AS last"
                + " FROM chain_entry c JOIN merkle_leaf l ON l.event_identifier = c.event_identifier"
                + " GROUP BY c.key_id ORDER BY first");

    assertThat(signers).hasSize(2);
    assertThat(signers.get(0).get("key_id")).isEqualTo(oldEntryKey.keyId());
    assertThat(((Number) signers.get(0).get("last")).longValue()).isEqualTo(rotationLeaf);
    assertThat(signers.get(1).get("key_id")).isEqualTo(newEntryKey.keyId());
    assertThat(((Number) signers.get(1).get("first")).longValue()).isEqualTo(rotationLeaf + 1);
  }

  @Test
  void ledgerKeyPublishesEachKeyWithTheRangeItsRotationGaveIt() {
    Map<String, Object> oldKey =
        jdbc.queryForMap(
            "SELECT valid_from, valid_until FROM ledger_key WHERE key_id = ?", oldEntryKey.keyId());
    Map<String, Object> newKey =
        jdbc.queryForMap(
            "SELECT valid_from, valid_until, retires_key_id FROM ledger_key WHERE key_id = ?",
            newEntryKey.keyId());

    assertThat(((Number) oldKey.get("valid_from")).longValue()).isZero();
    assertThat(((Number) oldKey.get("valid_until")).longValue()).isEqualTo(rotationLeaf + 1);
    assertThat(((Number) newKey.get("valid_from")).longValue()).isEqualTo(rotationLeaf + 1);
    assertThat(newKey.get("valid_until")).isNull();
    assertThat(newKey.get("retires_key_id")).isEqualTo(oldEntryKey.keyId());
  }

  @Test
  void checkpointsAfterTheRotationAreSignedByTheNewCheckpointKey() {
    String latest =
        jdbc.queryForObject(
            "SELECT note FROM log_checkpoint ORDER BY tree_size DESC LIMIT 1", String.class);

    assertThat(latest).contains("— " + ORIGIN + " ");
    assertThat(
            org.carbonledger.chain.note.Checkpoint.open(
                    latest,
                    ORIGIN,
                    List.of(
                        new org.carbonledger.chain.note.NoteVerifierKey(
                            ORIGIN, newCheckpointKey.publicKey())))
                .size())
        .isGreaterThan(rotationLeaf + 1);
  }

  @Test
  void theKeysDirectoryHoldsTheNewKeysAndKeepsTheRetiredOnesApart() throws IOException {
    assertThat(readKey("entry-signing.pem", ORIGIN + "/entries").keyId())
        .isEqualTo(newEntryKey.keyId());
    assertThat(keysDir.resolve("entry-signing.next.pem")).doesNotExist();
    assertThat(keysDir.resolve("retired/entry-signing-" + oldEntryKey.keyId() + ".pem")).exists();
  }

  @Test
  void anEntrySignedWithTheRetiredKeyAfterItsRotationIsRejectedWhereItIs() throws SQLException {
    // The old private key leaks; someone rewrites a later entry and signs it with it. The
    // signature is valid, but the key's range ended at the rotation.
    String batch = "batch:KEYS-P-B1";
    long sequence =
        jdbc.queryForObject(
            "SELECT max(sequence_number) FROM merkle_leaf WHERE stream_id = ?", Long.class, batch);
    long leaf =
        jdbc.queryForObject(
            "SELECT leaf_index FROM merkle_leaf WHERE stream_id = ? AND sequence_number = ?",
            Long.class,
            batch,
            sequence);
    LedgerCopy copy = LedgerCopy.of(jdbc);
    copy.resign(batch, sequence, copy.storedEntryResignedBy(batch, sequence, oldEntryKey));

    assertThat(copy.verify().findings())
        .extracting(LedgerCopy::location)
        .contains("KEY_OUTSIDE_VALIDITY " + batch + "#" + sequence + " leaf " + leaf);
  }

  @Test
  void aKeyAddedToLedgerKeyWithoutARotationIsNotTrusted() throws SQLException {
    Ed25519Signer intruder = Ed25519Signer.generate(ORIGIN + "/entries", new SecureRandom());
    String batch = "batch:KEYS-P-B1";
    LedgerCopy copy = LedgerCopy.of(jdbc);
    copy.tamper(
        "INSERT INTO ledger_key (key_id, key_name, purpose, public_key, valid_from,"
            + " introduced_by) VALUES ('"
            + intruder.keyId()
            + "', '"
            + intruder.keyName()
            + "', 'entry', decode('"
            + java.util.HexFormat.of().formatHex(intruder.publicKey())
            + "', 'hex'), 0, 'no-such-event')");
    copy.resign(batch, 3, copy.storedEntryResignedBy(batch, 3, intruder));

    assertThat(copy.verify().findings())
        .extracting(LedgerCopy::location)
        .contains("KEY_WITHOUT_ROTATION - leaf -")
        .anyMatch(location -> location.startsWith("UNKNOWN_KEY " + batch + "#3 "));
  }

  @Test
  void anAuditThatPinsTheFirstKeysFollowsTheRotationsFromThem() throws SQLException {
    assertThat(
            LedgerCopy.of(jdbc)
                .verify(VerifyOptions.defaults().withTrustedKeys(firstKeys()))
                .findings())
        .isEmpty();
  }

  @Test
  void anAuditThatPinsOtherFirstKeysRejectsTheLedgersOwn() throws SQLException {
    Ed25519Signer other = Ed25519Signer.generate(ORIGIN + "/entries", new SecureRandom());
    List<VerifyOptions.TrustedKey> pinned = new ArrayList<>(firstKeys());
    pinned.removeIf(key -> key.purpose().equals("entry"));
    pinned.add(new VerifyOptions.TrustedKey("entry", other.keyName(), other.publicKey()));

    assertThat(
            LedgerCopy.of(jdbc).verify(VerifyOptions.defaults().withTrustedKeys(pinned)).findings())
        .extracting(finding -> finding.kind())
        .contains("FIRST_KEY_NOT_TRUSTED", "UNKNOWN_KEY");
  }

  /** The ledger's first keys as a regulator would have saved them. */
  private List<VerifyOptions.TrustedKey> firstKeys() {
    return jdbc.query(
        "SELECT purpose, key_name, public_key FROM ledger_key WHERE introduced_by IS NULL",
        (row, n) ->
            new VerifyOptions.TrustedKey(row.getString(1), row.getString(2), row.getBytes(3)));
  }

  private static Ed25519Signer stage(String file, String name) throws IOException {
    Ed25519Signer key = Ed25519Signer.generate(name, new SecureRandom());
    Files.writeString(keysDir.resolve(file), key.privateKeyPem(), StandardCharsets.US_ASCII);
    return key;
  }

  private static Ed25519Signer readKey(String file, String name) throws IOException {
    return Ed25519Signer.fromPem(
        name, Files.readString(keysDir.resolve(file), StandardCharsets.US_ASCII));
  }
}
