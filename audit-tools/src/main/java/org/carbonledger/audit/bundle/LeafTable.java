package org.carbonledger.audit.bundle;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.carbonledger.chain.Hashing;
import org.carbonledger.chain.merkle.Rfc6962;

/**
 * Joins the entries, which a bundle lists by stream, with the leaves, which it lists in log order,
 * without holding either: while the entries are read, each entry's recomputed leaf hash is written
 * into a temporary file at the slot of the leaf index it claims; the leaves are then read in order
 * and each finds its entry's slot by its index. Leaf indexes are dense (0 to the log's size - 1),
 * so this is a counting sort on disk: one pass over each file, 56 bytes of disk a leaf, no memory
 * growing with the ledger.
 */
final class LeafTable implements Closeable {

  static final byte FREE = 0;
  static final byte CLAIMED = 1;
  static final byte VISITED = 2;

  /** state (1), leaf hash (32), digest of event id, stream and sequence (8), entry line (8). */
  private static final int SLOT = 56;

  private final Path file;
  private final FileChannel channel;
  private final long size;

  /** One entry's claim on a leaf. */
  record Slot(byte state, byte[] leafHash, byte[] identity, long entryLine) {}

  LeafTable(long size) throws IOException {
    this.size = size;
    this.file = Files.createTempFile("ledger-audit-leaves-", ".bin");
    this.channel =
        FileChannel.open(
            file,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING);
  }

  long size() {
    return size;
  }

  /**
   * Claims leaf {@code index} for an entry.
   *
   * @return the slot's earlier claim, if another entry claimed the leaf already; otherwise null
   */
  Slot claim(long index, byte[] leafHash, byte[] identity, long entryLine) throws IOException {
    Slot earlier = read(index);
    if (earlier.state() != FREE) {
      return earlier;
    }
    ByteBuffer slot = ByteBuffer.allocate(SLOT);
    slot.put(CLAIMED).put(leafHash).put(identity).putLong(entryLine).clear(); // the whole slot
    write(index, slot);
    return null;
  }

  /** Marks a claimed leaf as found in the log. */
  void visit(long index) throws IOException {
    write(index, ByteBuffer.wrap(new byte[] {VISITED}));
  }

  Slot read(long index) throws IOException {
    ByteBuffer slot = ByteBuffer.allocate(SLOT);
    long position = index * SLOT;
    while (slot.hasRemaining()) {
      if (channel.read(slot, position + slot.position()) < 0) {
        break; // past the end: never written, so free
      }
    }
    slot.flip();
    if (slot.remaining() < SLOT) {
      return new Slot(FREE, null, null, 0);
    }
    byte state = slot.get();
    byte[] hash = new byte[Rfc6962.HASH_BYTES];
    slot.get(hash);
    byte[] identity = new byte[8];
    slot.get(identity);
    return new Slot(state, hash, identity, slot.getLong());
  }

  private void write(long index, ByteBuffer bytes) throws IOException {
    long position = index * SLOT;
    while (bytes.hasRemaining()) {
      channel.write(bytes, position + bytes.position());
    }
  }

  /** What ties a leaf to its entry: 8 bytes of SHA-256 of the event id, stream and sequence. */
  static byte[] identity(String eventId, String stream, long sequence) {
    byte[] digest =
        Hashing.sha256(
            (eventId + "\n" + stream + "\n" + sequence).getBytes(StandardCharsets.UTF_8));
    return Arrays.copyOf(digest, 8);
  }

  @Override
  public void close() throws IOException {
    channel.close();
    Files.deleteIfExists(file);
  }
}
