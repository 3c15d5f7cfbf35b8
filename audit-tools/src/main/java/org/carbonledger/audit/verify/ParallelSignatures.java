package org.carbonledger.audit.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.carbonledger.chain.ChainFailure;
import org.carbonledger.chain.ChainVerifier;
import org.carbonledger.chain.KeyRing;
import org.carbonledger.chain.SignedEntry;

/**
 * Checks Ed25519 signatures on every core while the chain pass goes on reading: entries are handed
 * over in chunks, and at most a few chunks per core are in flight, so that memory stays bounded
 * however fast the database delivers. Signatures are the verifier's largest cost.
 */
final class ParallelSignatures implements AutoCloseable {

  static final int CHUNK = 512;

  private final KeyRing keys;
  private final ExecutorService workers;
  private final Semaphore inFlight;
  private final List<Future<List<Finding>>> pending = new ArrayList<>();
  private final List<Finding> found = new ArrayList<>();
  private List<Checked> chunk = new ArrayList<>(CHUNK);

  private record Checked(SignedEntry signed, Long leafIndex) {}

  ParallelSignatures(KeyRing keys) {
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

  /** Queues an entry whose hash, link, key and validity have verified. */
  void add(SignedEntry signed, Long leafIndex) {
    chunk.add(new Checked(signed, leafIndex));
    if (chunk.size() == CHUNK) {
      submit();
    }
  }

  /** Waits for every queued check and returns the failures found, in order. */
  List<Finding> finish() {
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
                List<Finding> failures = new ArrayList<>();
                for (Checked checked : work) {
                  ChainVerifier.verifySignature(checked.signed(), keys)
                      .ifPresent(failure -> failures.add(finding(failure, checked)));
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
        "BAD_SIGNATURE",
        entry.streamId(),
        entry.sequence(),
        checked.leafIndex(),
        "chain_entry",
        null,
        failure.describe());
  }

  @Override
  public void close() {
    workers.shutdownNow();
  }
}
