package org.carbonledger.chain.note;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.carbonledger.chain.ChainException;
import org.carbonledger.chain.ChainFailure;
import org.carbonledger.chain.ChainFixtures;
import org.carbonledger.chain.Ed25519Signer;
import org.junit.jupiter.api.Test;

/** Signing, parsing and verifying C2SP signed notes. */
class SignedNoteTest {

  private final Ed25519Signer ledger = ChainFixtures.testSigner();
  private final Ed25519Signer witness =
      new Ed25519Signer("witness.example/w1", ChainFixtures.seed(7));
  private final NoteVerifierKey ledgerKey =
      new NoteVerifierKey(ledger.keyName(), ledger.publicKey());
  private final NoteVerifierKey witnessKey =
      new NoteVerifierKey(witness.keyName(), witness.publicKey());

  @Test
  void aNoteSignedTwiceVerifiesForEitherKeyAndRoundTrips() {
    SignedNote note =
        SignedNote.sign(
            "line one\n\nline three after a blank line\n",
            List.of(NoteSigner.of(ledger), NoteSigner.of(witness)));
    String text = note.encode();
    SignedNote parsed = SignedNote.parse(text);

    assertThat(parsed).isEqualTo(note);
    assertThat(parsed.text()).isEqualTo("line one\n\nline three after a blank line\n");
    assertThat(parsed.verify(List.of(ledgerKey))).containsExactly(ledgerKey);
    assertThat(parsed.verify(List.of(witnessKey, ledgerKey)))
        .containsExactly(ledgerKey, witnessKey);
    assertThat(SignedNote.parse(text.getBytes(StandardCharsets.UTF_8))).isEqualTo(note);
  }

  @Test
  void signaturesOfUnknownKeysAreIgnoredButOneTrustedSignatureIsRequired() {
    SignedNote note = SignedNote.sign("hello\n", List.of(NoteSigner.of(witness)));
    assertThatThrownBy(() -> note.verify(List.of(ledgerKey)))
        .isInstanceOf(ChainException.class)
        .extracting(e -> ((ChainException) e).failure())
        .isEqualTo(
            new ChainFailure.NoteUnknownKey(List.of("witness.example/w1+" + witness.keyId())));
  }

  @Test
  void aKeySharingOnlyTheNameOrOnlyTheIdIsUnknown() {
    // Same name, different key: the key id differs, so the signature is ignored, not failed.
    Ed25519Signer impostor = new Ed25519Signer(ledger.keyName(), ChainFixtures.seed(99));
    SignedNote note = SignedNote.sign("hello\n", List.of(NoteSigner.of(impostor)));
    assertThatThrownBy(() -> note.verify(List.of(ledgerKey)))
        .extracting(e -> ((ChainException) e).failure())
        .isInstanceOf(ChainFailure.NoteUnknownKey.class);
  }

  @Test
  void aFailingSignatureOfATrustedKeyRejectsTheWholeNote() {
    SignedNote good =
        SignedNote.sign("hello\n", List.of(NoteSigner.of(witness), NoteSigner.of(ledger)));
    NoteSignature ledgerSignature = good.signatures().get(1);
    byte[] broken = ledgerSignature.signature();
    broken[10] ^= 1;
    List<NoteSignature> signatures = new ArrayList<>(good.signatures());
    signatures.set(1, new NoteSignature(ledger.keyName(), ledgerSignature.keyId(), broken));
    SignedNote tampered = SignedNote.parse(new SignedNote("hello\n", signatures).encode());

    assertThatThrownBy(() -> tampered.verify(List.of(witnessKey, ledgerKey)))
        .isInstanceOf(ChainException.class)
        .extracting(e -> ((ChainException) e).failure())
        .isEqualTo(new ChainFailure.NoteBadSignature(ledger.keyName(), ledger.keyId()));
  }

  @Test
  void malformedNotesAreRejectedWithAReason() {
    String good = SignedNote.sign("hello\n", List.of(NoteSigner.of(ledger))).encode();
    String line = good.substring(good.indexOf('\u2014'));
    String signature = line.substring(line.lastIndexOf(' ') + 1, line.length() - 1);

    assertMalformed(good.substring(0, good.length() - 1), "newline");
    assertMalformed("hello\n" + line, "blank line");
    assertMalformed("hello\n\n", "no signature lines");
    assertMalformed("hello\n\n- " + ledger.keyName() + " " + signature + "\n", "em dash");
    assertMalformed("hello\n\n\u2014 " + ledger.keyName() + "  " + signature + "\n", "is not");
    assertMalformed("hello\n\n\u2014 a+b " + signature + "\n", "'+'");
    assertMalformed("hello\n\n\u2014 name AAAAAA==\n", "shorter");
    assertMalformed("hello\n\n\u2014 name " + signature.replace("=", "") + "\n", "base64");
    assertMalformed("hel\tlo\n" + "\n" + line, "control character U+0009");
    assertMalformed("hello\r\n\n" + line, "control character U+000D");
    assertMalformed("hello\n\n" + line + "\n", "no signature lines");
    assertThatThrownBy(() -> SignedNote.parse(new byte[] {'a', (byte) 0xC0, '\n'}))
        .extracting(e -> ((ChainException) e).failure())
        .isEqualTo(new ChainFailure.MalformedNote("not valid UTF-8"));
    assertThatThrownBy(() -> SignedNote.sign("no newline", List.of(NoteSigner.of(ledger))))
        .extracting(e -> ((ChainException) e).failure())
        .isInstanceOf(ChainFailure.MalformedNote.class);
  }

  @Test
  void atMostAHundredSignaturesAreRead() {
    String line = SignedNote.sign("hello\n", List.of(NoteSigner.of(witness))).encode();
    line = line.substring(line.indexOf('\u2014'));
    String sixteen = "hello\n\n" + line.repeat(16);
    assertThat(SignedNote.parse(sixteen).signatures()).hasSize(16);
    assertMalformed("hello\n\n" + line.repeat(101), "more than 100");
  }

  @Test
  void vkeysMustBeConsistent() {
    String vkey = ledgerKey.vkey();
    assertThat(vkey).startsWith("wuhan.carbon-ledger.example/v1+45289de0+AQ");
    assertThat(NoteVerifierKey.parse(vkey)).isEqualTo(ledgerKey);

    assertMalformedKey(vkey.replace("+45289de0+", "+45289de1+"), "is not 45289de0");
    assertMalformedKey(vkey.replace("+45289de0+", "+45289DE0+"), "8 lowercase hex");
    assertMalformedKey(vkey.replace("+AQ", "+Ag"), "Ed25519 key");
    assertMalformedKey("no-plus-signs", "three parts");
    assertMalformedKey(vkey + "=", "canonical base64");
  }

  private static void assertMalformed(String note, String reasonFragment) {
    assertThatThrownBy(() -> SignedNote.parse(note))
        .isInstanceOf(ChainException.class)
        .extracting(e -> ((ChainException) e).failure())
        .isInstanceOfSatisfying(
            ChainFailure.MalformedNote.class,
            failure -> assertThat(failure.reason()).contains(reasonFragment));
  }

  private static void assertMalformedKey(String vkey, String reasonFragment) {
    assertThatThrownBy(() -> NoteVerifierKey.parse(vkey))
        .isInstanceOf(ChainException.class)
        .extracting(e -> ((ChainException) e).failure())
        .isInstanceOfSatisfying(
            ChainFailure.MalformedKey.class,
            failure -> assertThat(failure.reason()).contains(reasonFragment));
  }
}
