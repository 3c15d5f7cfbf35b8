package org.carbonledger.audit.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.carbonledger.chain.ChainFailure;
import org.carbonledger.chain.ChainVerifier;
import org.carbonledger.chain.Ed25519Batch;
import org.carbonledger.chain.KeyRing;
import org.carbonledger.chain.SignedEntry;

/**
 * Checks Ed25519 signatures on every core while the chain pass goes on reading: entries are handed
 * over in chunks, and at most a few chunks per core are in flight, so that memory stays bounded
 * however fast the source delivers. Each chunk is checked with batch verification ({@link
 * ChainVerifier#verifySignatures}, ADR 0007), which gives the verdict of single verification for
 * every signature at a fraction of its cost. Signatures are still the verifier's largest cost.
 */
public final class ParallelSignatures implements AutoCloseable {

  static final int CHUNK = 512;

  private final KeyRing keys;
  private final ExecutorService workers;
  private final Semaphore inFlight;
  private final List<Future<List<Finding>>> pending = new ArrayList<>();
  private final List<Finding> found = new ArrayList<>();
  private List<Checked> chunk = new ArrayList<>(CHUNK);

  private record Checked(SignedEntry signed, Long leafIndex, String table, String row) {}

  /** One batch per worker thread, so that decoded keys are reused from chunk to chunk. */
  private final ThreadLocal<Ed25519Batch> batches = ThreadLocal.withInitial(Ed25519Batch::new);

  /**
   * Workers on every core.
   *
   * @param keys the trusted keys, not null
   */
  public ParallelSignatures(KeyRing keys) {
    this(keys, Runtime.getRuntime().availableProcessors());
  }

  ParallelSignatures(KeyRing keys, int threads) {
    this.keys = keys;
    this.workers =
        Executors.newFixedThreadPool(
            threads,
            task -> {
              Thread thread = new Thread(task, "signature-check");
              thread.setDaemon(true);
              return thread;
            });
    this.inFlight = new Semaphore(threads * 4);
  }

  /**
   * Queues an entry whose hash, key and validity have verified (a failure that {@link
   * ChainFailures#hidesSignature} names leaves nothing to check).
   *
   * @param signed the entry
   * @param leafIndex its leaf index, or null if it has none yet
   * @param table the table or file it was read from, for the finding
   * @param row the row or line it was read from, or null
   */
  public void add(SignedEntry signed, Long leafIndex, String table, String row) {
    chunk.add(new Checked(signed, leafIndex, table, row));
    if (chunk.size() == CHUNK) {
      submit();
    }
  }

  /** Waits for every queued check and returns the failures found, in order. */
  public List<Finding> finish() {
    if (!chunk.isEmpty()) {
      submit();
    }
    List<Finding> findings = new ArrayList<>(found);
    for (Future<List<Finding>> result : pending) {
      try {
        findings.addAll(result.get());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while checking signatures", e);
      } catch (ExecutionException e) {
        throw new IllegalStateException("a signature check failed to run", e.getCause());
      }
    }
    pending.clear();
    found.clear();
    return findings;
  }

  private void submit() {
    List<Checked> work = chunk;
    chunk = new ArrayList<>(CHUNK);
    try {
      inFlight.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while checking signatures", e);
    }
    pending.add(
        workers.submit(
            () -> {
              try {
                List<SignedEntry> entries = new ArrayList<>(work.size());
                for (Checked checked : work) {
                  entries.add(checked.signed());
                }
                List<Optional<ChainFailure>> results =
                    ChainVerifier.verifySignatures(entries, keys, batches.get());
                List<Finding> failures = new ArrayList<>();
                for (int i = 0; i < results.size(); i++) {
                  Checked checked = work.get(i);
                  results.get(i).ifPresent(failure -> failures.add(finding(failure, checked)));
                }
                return failures;
              } finally {
                inFlight.release();
              }
            }));
    drainCompleted();
  }

  /** Moves the findings of finished chunks out, so that pending work stays a few chunks long. */
  private void drainCompleted() {
    while (!pending.isEmpty() && pending.get(0).isDone()) {
      try {
        found.addAll(pending.remove(0).get());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while checking signatures", e);
      } catch (ExecutionException e) {
        throw new IllegalStateException("a signature check failed to run", e.getCause());
      }
    }
  }

  private static Finding finding(ChainFailure failure, Checked checked) {
    var entry = checked.signed().entry();
    return new Finding(
        ChainFailures.kindOf(failure),
        entry.streamId(),
        entry.sequence(),
        checked.leafIndex(),
        checked.table(),
        checked.row(),
        failure.describe());
  }

  @Override
  public void close() {
    workers.shutdownNow();
  }
}
