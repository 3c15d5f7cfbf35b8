package org.carbonledger.auditlog;

import static org.carbonledger.testsupport.Rejections.assertInvalid;
import static org.carbonledger.testsupport.Rejections.rejectedNaming;

import java.security.SecureRandom;
import java.util.Base64;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.carbonledger.auditlog.SigningKeysCommand.RotateSigningKey;
import org.carbonledger.auditlog.SigningKeysEvent.SigningKeyRotated;
import org.carbonledger.chain.Ed25519Signer;
import org.carbonledger.registry.RejectionCode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SigningKeysTest {

  private static final String NAME = "carbonledger.example/wuhan/entries";
  private static final Ed25519Signer FIRST = key();
  private static final Ed25519Signer SECOND = key();
  private static final Ed25519Signer THIRD = key();

  private FixtureConfiguration<SigningKeys> fixture;

  @BeforeEach
  void setUp() {
    fixture = new AggregateTestFixture<>(SigningKeys.class);
  }

  @Test
  void theFirstRotationRetiresTheFirstKeyAndIntroducesTheNewOne() {
    fixture
        .givenNoPriorActivity()
        .when(rotate(KeyPurpose.ENTRY, FIRST, SECOND))
        .expectEvents(rotated(KeyPurpose.ENTRY, FIRST, SECOND));
  }

  @Test
  void aLaterRotationRetiresTheKeyTheLastRotationIntroduced() {
    fixture
        .given(rotated(KeyPurpose.ENTRY, FIRST, SECOND))
        .when(rotate(KeyPurpose.ENTRY, SECOND, THIRD))
        .expectEvents(rotated(KeyPurpose.ENTRY, SECOND, THIRD));
  }

  @Test
  void retiringAKeyThatIsNotCurrentIsRejected() {
    fixture
        .given(rotated(KeyPurpose.ENTRY, FIRST, SECOND))
        .when(rotate(KeyPurpose.ENTRY, FIRST, THIRD))
        .expectNoEvents()
        .expectException(rejectedNaming(RejectionCode.KEY_NOT_CURRENT, "retiredKeyId"));
  }

  @Test
  void eachPurposeHasItsOwnCurrentKey() {
    fixture
        .given(rotated(KeyPurpose.ENTRY, FIRST, SECOND))
        .when(rotate(KeyPurpose.CHECKPOINT, THIRD, key()))
        .expectSuccessfulHandlerExecution();
  }

  @Test
  void bringingBackARetiredKeyIsRejected() {
    fixture
        .given(rotated(KeyPurpose.ENTRY, FIRST, SECOND))
        .when(rotate(KeyPurpose.ENTRY, SECOND, FIRST))
        .expectNoEvents()
        .expectException(rejectedNaming(RejectionCode.KEY_ALREADY_USED, "publicKey"));
  }

  @Test
  void rotatingAKeyToItselfIsRejected() {
    fixture
        .givenNoPriorActivity()
        .when(rotate(KeyPurpose.ENTRY, FIRST, FIRST))
        .expectNoEvents()
        .expectException(rejectedNaming(RejectionCode.KEY_ALREADY_USED, "publicKey"));
  }

  @Test
  void aRotationNeedsAValidPublicKeyKeyIdAndKeyName() {
    String valid = Base64.getEncoder().encodeToString(SECOND.publicKey());
    assertInvalid(
        () ->
            new RotateSigningKey(KeyPurpose.ENTRY, FIRST.keyId(), NAME, "bm90IGEga2V5", "rotation"),
        "publicKey");
    assertInvalid(
        () -> new RotateSigningKey(KeyPurpose.ENTRY, "XYZ", NAME, valid, "rotation"),
        "retiredKeyId");
    assertInvalid(
        () -> new RotateSigningKey(KeyPurpose.ENTRY, FIRST.keyId(), "has space", valid, "rotation"),
        "keyName");
    assertInvalid(
        () -> new RotateSigningKey(null, FIRST.keyId(), NAME, valid, "rotation"), "purpose");
    assertInvalid(
        () -> new RotateSigningKey(KeyPurpose.ENTRY, FIRST.keyId(), NAME, valid, " "), "reason");
  }

  private static RotateSigningKey rotate(
      KeyPurpose purpose, Ed25519Signer retired, Ed25519Signer next) {
    return new RotateSigningKey(
        purpose,
        retired.keyId(),
        next.keyName(),
        Base64.getEncoder().encodeToString(next.publicKey()),
        "yearly rotation");
  }

  private static SigningKeyRotated rotated(
      KeyPurpose purpose, Ed25519Signer retired, Ed25519Signer next) {
    return new SigningKeyRotated(
        purpose,
        retired.keyId(),
        next.keyId(),
        next.keyName(),
        Base64.getEncoder().encodeToString(next.publicKey()),
        "yearly rotation");
  }

  private static Ed25519Signer key() {
    return Ed25519Signer.generate(NAME, new SecureRandom());
  }
}
