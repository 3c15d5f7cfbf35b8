package org.carbonledger.chain.note;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.carbonledger.chain.ChainException;
import org.carbonledger.chain.ChainFailure;
import org.carbonledger.chain.Hashing;
import org.carbonledger.chain.KeyIds;
import org.carbonledger.chain.TestVectors;
import org.junit.jupiter.api.Test;

/** The example of C2SP signed-note: its vkey, key id and signature, verified by this code. */
class C2spSignedNoteExampleTest {

  private static final JsonNode EXAMPLE =
      TestVectors.json("c2sp-signed-note/signed-note-example.derived.json");

  @Test
  void reproducesTheKeyIdFromNameAndPublicKey() {
    byte[] publicKey = TestVectors.hex(EXAMPLE.get("ed25519_public_key_hex").asText());
    String name = EXAMPLE.get("key_name").asText();
    assertThat(Hashing.hex(KeyIds.noteKeyId(name, publicKey)))
        .isEqualTo(EXAMPLE.get("key_id_hex").asText())
        .isEqualTo("530d903a");
  }

  @Test
  void parsesAndReproducesTheVkey() {
    String vkey = EXAMPLE.get("vkey").asText();
    NoteVerifierKey key = NoteVerifierKey.parse(vkey);
    assertThat(key.name()).isEqualTo("example.com/foo");
    assertThat(Hashing.hex(key.publicKey()))
        .isEqualTo(EXAMPLE.get("ed25519_public_key_hex").asText());
    assertThat(key.keyIdHex()).isEqualTo("530d903a");
    assertThat(key.vkey()).isEqualTo(vkey);
  }

  @Test
  void verifiesTheSignedNote() {
    NoteVerifierKey key = NoteVerifierKey.parse(EXAMPLE.get("vkey").asText());
    SignedNote note = SignedNote.parse(EXAMPLE.get("signed_note").asText());

    assertThat(note.text()).isEqualTo(EXAMPLE.get("signed_text").asText());
    assertThat(note.signatures()).hasSize(1);
    assertThat(Hashing.hex(note.signatures().get(0).signature()))
        .isEqualTo(EXAMPLE.get("signature_hex").asText());
    assertThat(note.verify(List.of(key))).containsExactly(key);
    assertThat(note.encode()).isEqualTo(EXAMPLE.get("signed_note").asText());
  }

  @Test
  void rejectsTheExampleWithAnAlteredText() {
    NoteVerifierKey key = NoteVerifierKey.parse(EXAMPLE.get("vkey").asText());
    String altered =
        EXAMPLE.get("signed_note").asText().replace("example message", "example massage");
    assertThatThrownBy(() -> SignedNote.parse(altered).verify(List.of(key)))
        .isInstanceOf(ChainException.class)
        .extracting(e -> ((ChainException) e).failure())
        .isEqualTo(new ChainFailure.NoteBadSignature("example.com/foo", "530d903a"));
  }
}
