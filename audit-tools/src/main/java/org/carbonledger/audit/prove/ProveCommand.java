package org.carbonledger.audit.prove;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.carbonledger.audit.ExitCodes;
import org.carbonledger.audit.TrustedKeyFile;
import org.carbonledger.audit.TrustedKeyFile.TrustedKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ledger-audit prove <certificate.json>}: verifies one certificate offline. */
@Command(
    name = "prove",
    description = {
      "Verifies one retirement (or neutrality) certificate offline (spec 3.11): the signed entry,"
          + " its Ed25519 signature by a key valid at its leaf, the inclusion proof of its leaf in"
          + " the signed checkpoint, the checkpoint's signature, the keys, and that the entry is"
          + " the certificate's retirement.",
      "Without --keys the keys are taken from the certificate itself, which proves only that it"
          + " is consistent in itself; pass the ledger's published keys to prove who signed it.",
      "Exit 0 when the certificate verifies, 1 when it does not, 2 on a usage or I/O error."
    })
public final class ProveCommand implements Callable<Integer> {

  static final String UNTRUSTED_WARNING =
      "WARNING: no trusted keys given (--keys): the keys were taken from the certificate itself,"
          + " so this shows only that the certificate is consistent in itself, not that the ledger"
          + " signed it. Pass the ledger's published keys (GET /api/v1/keys) with --keys.";

  @Parameters(
      index = "0",
      paramLabel = "<certificate.json>",
      description = "The certificate, as GET .../certificate returns it.")
  Path certificate;

  @Option(
      names = "--keys",
      paramLabel = "<file>",
      description =
          "Trusted keys: the JSON array of GET /api/v1/keys, or vkey lines (name+keyid+base64).")
  Path keys;

  @Option(names = "--json", description = "Print the result as one JSON object.")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    List<TrustedKey> trusted = keys == null ? null : TrustedKeyFile.read(keys);
    JsonNode document = readCertificate(certificate);
    CertificateVerifier.Result result = new CertificateVerifier(trusted).verify(document);
    if (json) {
      out.println(toJson(result));
    } else {
      print(out, result, trusted == null ? 0 : trusted.size());
    }
    out.flush();
    return result.verified() ? ExitCodes.OK : ExitCodes.INTEGRITY_FAILURE;
  }

  private static JsonNode readCertificate(Path file) throws IOException {
    try {
      return new ObjectMapper().readTree(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      throw new IOException("cannot read the certificate: no file " + file);
    } catch (JsonProcessingException e) {
      throw new IOException(file + " is not valid JSON: " + e.getOriginalMessage());
    }
  }

  private void print(PrintWriter out, CertificateVerifier.Result result, int trustedKeys) {
    out.printf("certificate: %s (%s)%n", certificate, result.format());
    out.printf("origin: %s%n", result.origin());
    if (result.keysFromCertificate()) {
      out.println(UNTRUSTED_WARNING);
    } else {
      out.printf("keys: checked against %d trusted key(s) from %s%n", trustedKeys, keys);
    }
    out.println(result.verified() ? "proven:" : "claimed, NOT proven:");
    printFacts(out, result.proven(), "  ");
    result.failures().forEach(failure -> out.println("FAIL " + failure.describe()));
    if (result.verified()) {
      out.println(
          result.keysFromCertificate()
              ? "OK (self-consistent only, see WARNING): the certificate verifies with its own keys"
              : "OK: the certificate verifies against the trusted keys");
    } else {
      out.println("FAILED: " + result.failures().size() + " failure(s)");
    }
  }

  private static void printFacts(PrintWriter out, JsonNode facts, String indent) {
    Iterator<Map.Entry<String, JsonNode>> fields = facts.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      JsonNode value = field.getValue();
      if (value == null || value.isNull()) {
        continue;
      }
      if (value.isObject()) {
        out.printf("%s%s:%n", indent, field.getKey());
        printFacts(out, value, indent + "  ");
      } else if (value.isArray()) {
        StringBuilder items = new StringBuilder();
        value.forEach(item -> items.append(items.length() == 0 ? "" : ", ").append(item.asText()));
        out.printf("%s%-14s %s%n", indent, field.getKey(), items);
      } else {
        out.printf("%s%-14s %s%n", indent, field.getKey(), value.asText());
      }
    }
  }

  private String toJson(CertificateVerifier.Result result) {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode node = mapper.createObjectNode();
    node.put("certificate", certificate.toString());
    node.put("format", result.format());
    node.put("origin", result.origin());
    node.put("verified", result.verified());
    node.put("keys", result.keysFromCertificate() ? "certificate" : "trusted");
    if (result.keysFromCertificate()) {
      node.put("warning", UNTRUSTED_WARNING);
    } else {
      node.put("trustedKeys", keys.toString());
    }
    node.set("proven", result.proven());
    ArrayNode failures = node.putArray("failures");
    result
        .failures()
        .forEach(
            failure ->
                failures.addObject().put("kind", failure.kind()).put("message", failure.message()));
    try {
      return mapper.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
