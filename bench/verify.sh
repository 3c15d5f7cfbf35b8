#!/usr/bin/env bash
# Measures the regulator's verifier (ledger-audit verify) on a synthetic ledger of N events (default
# 1,000,000), next to the machine's raw single-core Ed25519 verify rate measured in the same run
# (see audit-tools/src/test/java/benchmarks/VerifyBenchmark.java). It starts a durable PostgreSQL,
# writes the ledger into a fresh migrated schema (signed entries, Merkle leaves and nodes, signed
# checkpoints, keys, projections), then runs `java -Xmx256m -jar audit-tools/target/ledger-audit.jar
# verify --db ... --json` as a separate process under /usr/bin/time -v with GC logging. Prints a
# table (events/s, ratio to the goal of 85% of twice the single-core verify rate, peak heap and
# RSS, generation time) and writes the figures to target/verify-benchmark.json. Asserts nothing;
# exits non-zero only if the verifier does not find the ledger sound.
#
#   bench/verify.sh [events]
#
# BENCH_JFR=<file> also records the verifier with Java Flight Recorder and prints where its CPU
# samples fall. BENCH_JAVA_OPTS are passed to the benchmark's own JVM (not to the verifier's).
set -euo pipefail
cd "$(dirname "$0")/.."
# bench/run.sh builds once for all benchmarks and sets BENCH_SKIP_BUILD.
if [ -z "${BENCH_SKIP_BUILD:-}" ]; then
  ./mvnw -q -B install -DskipTests -Dspotless.check.skip=true
  ./mvnw -q -B -pl audit-tools dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/bench.classpath
fi
exec java -Xmx2g -Dbench.jfr="${BENCH_JFR:-}" ${BENCH_JAVA_OPTS:-} \
  -cp "audit-tools/target/test-classes:audit-tools/target/classes:$(cat audit-tools/target/bench.classpath)" \
  benchmarks.VerifyBenchmark "$@"
