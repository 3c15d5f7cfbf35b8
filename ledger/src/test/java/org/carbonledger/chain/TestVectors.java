package org.carbonledger.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Loads the conformance vectors copied under {@code src/test/resources/chain-vectors} (see
 * SOURCES.md there), so that the tests run from a plain clone.
 */
public final class TestVectors {

  private static final ObjectMapper JSON = new ObjectMapper();

  private TestVectors() {}

  /** Reads a JSON file below chain-vectors. */
  public static JsonNode json(String relativePath) {
    try (InputStream in = open(relativePath)) {
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads a JSON file given as a path. */
  public static JsonNode json(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every *.json file below a directory of chain-vectors, sorted by path. */
  public static List<Path> jsonFiles(String relativeDirectory) {
    Path directory = path(relativeDirectory);
    try (Stream<Path> files = Files.walk(directory)) {
      return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The file system path of a resource below chain-vectors. */
  public static Path path(String relativePath) {
    URL url = TestVectors.class.getResource("/chain-vectors/" + relativePath);
    if (url == null) {
      throw new IllegalStateException("missing test vector resource " + relativePath);
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static InputStream open(String relativePath) {
    InputStream in = TestVectors.class.getResourceAsStream("/chain-vectors/" + relativePath);
    if (in == null) {
      throw new IllegalStateException("missing test vector resource " + relativePath);
    }
    return in;
  }

  /** Hex to bytes. */
  public static byte[] hex(String hex) {
    return Hashing.unhex(hex);
  }
}
