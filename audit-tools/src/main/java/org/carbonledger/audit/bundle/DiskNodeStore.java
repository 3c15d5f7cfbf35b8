package org.carbonledger.audit.bundle;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.carbonledger.chain.merkle.NodeStore;
import org.carbonledger.chain.merkle.Rfc6962;

/**
 * The roots of all perfect subtrees of a Merkle log being rebuilt, kept in temporary files (one a
 * level, 32 bytes a node, written in order) rather than in memory, so that consistency proofs
 * between any two sizes can be computed with {@code MerkleProofs} from the recomputed leaves. Disk
 * use is about 64 bytes a leaf; memory is a write buffer a level.
 */
final class DiskNodeStore implements NodeStore, Closeable {

  private static final int BUFFER_BYTES = 32 * 1024;

  private final Path dir;
  private final List<FileChannel> levels = new ArrayList<>();
  private final List<ByteBuffer> pending = new ArrayList<>();
  private final MerkleFrontier frontier = new MerkleFrontier();
  private boolean dirty;

  DiskNodeStore() throws IOException {
    dir = Files.createTempDirectory("ledger-audit-nodes-");
  }

  void append(byte[] leafHash) {
    write(0, leafHash);
    frontier.append(leafHash, (level, index, hash) -> write(level, hash));
  }

  /** The root of the leaves appended so far. */
  byte[] root() {
    return frontier.root();
  }

  @Override
  public long size() {
    return frontier.size();
  }

  @Override
  public byte[] hash(int level, long index) {
    try {
      flush();
      ByteBuffer hash = ByteBuffer.allocate(Rfc6962.HASH_BYTES);
      FileChannel channel = levels.get(level);
      long position = index * Rfc6962.HASH_BYTES;
      while (hash.hasRemaining()) {
        if (channel.read(hash, position + hash.position()) < 0) {
          throw new IllegalStateException("no node " + level + "/" + index + " is stored");
        }
      }
      return hash.array();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Nodes of one level arrive in index order, so each level's file is only appended to. */
  private void write(int level, byte[] hash) {
    try {
      while (levels.size() <= level) {
        Path file = dir.resolve("level-" + levels.size());
        levels.add(
            FileChannel.open(
                file,
                StandardOpenOption.CREATE_NEW,
                StandardOpenOption.READ,
                StandardOpenOption.WRITE));
        pending.add(ByteBuffer.allocate(BUFFER_BYTES));
      }
      ByteBuffer buffer = pending.get(level);
      if (buffer.remaining() < hash.length) {
        drain(level);
      }
      buffer.put(hash);
      dirty = true;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void flush() throws IOException {
    if (dirty) {
      for (int level = 0; level < levels.size(); level++) {
        drain(level);
      }
      dirty = false;
    }
  }

  private void drain(int level) throws IOException {
    ByteBuffer buffer = pending.get(level);
    buffer.flip();
    FileChannel channel = levels.get(level);
    while (buffer.hasRemaining()) {
      channel.write(buffer, channel.size());
    }
    buffer.clear();
  }

  @Override
  public void close() {
    for (FileChannel channel : levels) {
      try {
        channel.close();
      } catch (IOException e) {
        // Deleted below anyway.
      }
    }
    BundleExporter.deleteRecursively(dir);
  }
}
