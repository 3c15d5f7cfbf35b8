package org.carbonledger.chain.note;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.carbonledger.chain.ChainException;
import org.carbonledger.chain.ChainFailure;
import org.carbonledger.chain.KeyIds;

/**
 * A C2SP signed note: a text ending in a newline, a blank line, and one or more signature lines
 * (spec section 3.8).
 *
 * <p>Parsing checks only the format; the text must not be acted on until {@link #verify} has
 * succeeded. Signatures of keys the verifier does not know are ignored, as C2SP requires, which is
 * what allows witnesses to cosign and keys to rotate.
 *
 * @param text the signed text, including its final newline; valid per {@link #textProblem}
 * @param signatures the signature lines in order; at least one, at most {@link #MAX_SIGNATURES}
 */
public record SignedNote(String text, List<NoteSignature> signatures) {

  /**
   * The most signature lines a note may carry. C2SP requires accepting at least 16; the limit keeps
   * a hostile note from making the verifier do unbounded work.
   */
  public static final int MAX_SIGNATURES = 100;

  /**
   * Checks the fields.
   *
   * @throws ChainException carrying {@link ChainFailure.MalformedNote} if the text or the number of
   *     signatures is not valid
   */
  public SignedNote {
    String problem = textProblem(text);
    if (problem != null) {
      throw malformed(problem);
    }
    signatures = List.copyOf(signatures);
    if (signatures.isEmpty()) {
      throw malformed("a signed note needs at least one signature");
    }
    if (signatures.size() > MAX_SIGNATURES) {
      throw malformed("more than " + MAX_SIGNATURES + " signatures");
    }
  }

  /**
   * Signs a text with each of the signers, in order.
   *
   * @param text the text, valid per {@link #textProblem}
   * @param signers one or more signers
   * @return the signed note
   * @throws ChainException carrying {@link ChainFailure.MalformedNote} if the text is not valid
   */
  public static SignedNote sign(String text, List<NoteSigner> signers) {
    String problem = textProblem(text);
    if (problem != null) {
      throw malformed(problem);
    }
    byte[] message = text.getBytes(StandardCharsets.UTF_8);
    List<NoteSignature> signatures = new ArrayList<>();
    for (NoteSigner signer : signers) {
      signatures.add(
          new NoteSignature(signer.keyName(), signer.keyId(), signer.signer().sign(message)));
    }
    return new SignedNote(text, signatures);
  }

  /**
   * Parses a signed note from bytes, which must be valid UTF-8.
   *
   * @param note the note's bytes, not null
   * @return the parsed, not yet verified, note
   * @throws ChainException carrying {@link ChainFailure.MalformedNote} if the bytes are not a
   *     signed note
   */
  public static SignedNote parse(byte[] note) {
    try {
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(note))
              .toString();
      return parse(text);
    } catch (CharacterCodingException e) {
      throw malformed("not valid UTF-8");
    }
  }

  /**
   * Parses a signed note. The text ends at the last blank line; every line after it must be a
   * signature line with a valid key name and canonical base64 of at least 5 bytes.
   *
   * @param note the note, not null
   * @return the parsed, not yet verified, note
   * @throws ChainException carrying {@link ChainFailure.MalformedNote} if the text is not a signed
   *     note
   */
  public static SignedNote parse(String note) {
    Objects.requireNonNull(note, "note");
    String problem = characterProblem(note);
    if (problem != null) {
      throw malformed(problem);
    }
    if (!note.endsWith("\n")) {
      throw malformed("does not end with a newline");
    }
    int blank = note.lastIndexOf("\n\n");
    if (blank < 0) {
      throw malformed("no blank line before the signatures");
    }
    String text = note.substring(0, blank + 1);
    String block = note.substring(blank + 2);
    if (block.isEmpty()) {
      throw malformed("no signature lines");
    }
    String[] lines = block.substring(0, block.length() - 1).split("\n", -1);
    if (lines.length > MAX_SIGNATURES) {
      throw malformed("more than " + MAX_SIGNATURES + " signatures");
    }
    List<NoteSignature> signatures = new ArrayList<>();
    for (int i = 0; i < lines.length; i++) {
      signatures.add(parseSignatureLine(lines[i], i + 1));
    }
    return new SignedNote(text, signatures);
  }

  /**
   * The note as text: the text, a blank line, and the signature lines.
   *
   * @return the note, ending in a newline
   */
  public String encode() {
    StringBuilder note = new StringBuilder(text).append('\n');
    signatures.forEach(signature -> note.append(signature.line()));
    return note.toString();
  }

  /**
   * Verifies the note against trusted keys, following C2SP: a signature is checked when both its
   * key name and key id match a trusted key, and ignored otherwise; a checked signature that fails
   * rejects the whole note; a note with no checked signature is rejected.
   *
   * @param trusted the trusted keys, not null
   * @return the trusted keys whose signatures verified, at least one, in signature order
   * @throws ChainException carrying {@link ChainFailure.NoteBadSignature} for a failing signature
   *     of a trusted key, or {@link ChainFailure.NoteUnknownKey} if no trusted key signed
   */
  public List<NoteVerifierKey> verify(List<NoteVerifierKey> trusted) {
    Objects.requireNonNull(trusted, "trusted");
    byte[] message = text.getBytes(StandardCharsets.UTF_8);
    Set<NoteVerifierKey> verified = new LinkedHashSet<>();
    for (NoteSignature signature : signatures) {
      for (NoteVerifierKey key : trusted) {
        if (key.name().equals(signature.keyName()) && key.keyId() == signature.keyId()) {
          if (!key.verify(message, signature.signature())) {
            throw new ChainException(
                new ChainFailure.NoteBadSignature(signature.keyName(), signature.keyIdHex()));
          }
          verified.add(key);
        }
      }
    }
    if (verified.isEmpty()) {
      throw new ChainException(
          new ChainFailure.NoteUnknownKey(
              signatures.stream().map(NoteSignature::toString).toList()));
    }
    return List.copyOf(verified);
  }

  /**
   * Describes what keeps a string from being note text: it must be non-empty, end with a newline,
   * be well-formed Unicode and contain no control character other than newline.
   *
   * @param text the candidate, may be null
   * @return null if it is valid note text, otherwise a reason
   */
  public static String textProblem(String text) {
    if (text == null || text.isEmpty()) {
      return "the text is empty";
    }
    if (!text.endsWith("\n")) {
      return "the text does not end with a newline";
    }
    return characterProblem(text);
  }

  private static String characterProblem(String note) {
    for (int i = 0; i < note.length(); i++) {
      char c = note.charAt(i);
      if (c < 0x20 && c != '\n') {
        return String.format("control character U+%04X at index %d", (int) c, i);
      }
      if (Character.isHighSurrogate(c)
          && i + 1 < note.length()
          && Character.isLowSurrogate(note.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return "unpaired surrogate at index " + i;
      }
    }
    return null;
  }

  private static NoteSignature parseSignatureLine(String line, int number) {
    if (!line.startsWith(NoteSignature.LINE_PREFIX)) {
      throw malformed("signature line " + number + " does not start with an em dash and a space");
    }
    String rest = line.substring(NoteSignature.LINE_PREFIX.length());
    int space = rest.indexOf(' ');
    if (space < 0 || rest.indexOf(' ', space + 1) >= 0) {
      throw malformed("signature line " + number + " is not '— <name> <base64>'");
    }
    String name = rest.substring(0, space);
    String nameProblem = KeyIds.keyNameProblem(name);
    if (nameProblem != null) {
      throw malformed("signature line " + number + ": " + nameProblem);
    }
    byte[] decoded = NoteVerifierKey.strictBase64(rest.substring(space + 1));
    if (decoded == null) {
      throw malformed("signature line " + number + " is not canonical base64");
    }
    if (decoded.length < 5) {
      throw malformed("signature line " + number + " is shorter than a key id and a signature");
    }
    int keyId = ByteBuffer.wrap(decoded, 0, 4).getInt();
    return new NoteSignature(name, keyId, Arrays.copyOfRange(decoded, 4, decoded.length));
  }

  private static ChainException malformed(String reason) {
    return new ChainException(new ChainFailure.MalformedNote(reason));
  }
}
