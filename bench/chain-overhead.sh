#!/usr/bin/env bash
# Measures the audit chain's cost on the command path: chained and signed transfers against the
# same transfers through bare Axon, on one durable PostgreSQL in one run (see
# api/src/test/java/benchmarks/ChainOverheadBenchmark.java). Prints figures; asserts nothing.
#
#   bench/chain-overhead.sh [transfers per run] [clients] [rounds]
#
# One unmeasured round of each configuration runs first (BENCH_JAVA_OPTS=
# -Dbench.chain.warmup-rounds=N, 1 by default), so that the JIT has compiled the path it measures.
set -euo pipefail
cd "$(dirname "$0")/.."
# bench/run.sh builds once for all benchmarks and sets BENCH_SKIP_BUILD.
if [ -z "${BENCH_SKIP_BUILD:-}" ]; then
  ./mvnw -q -B install -DskipTests -Dspotless.check.skip=true
  ./mvnw -q -B -pl api dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/bench.classpath
fi
exec java -Xmx2g ${BENCH_JAVA_OPTS:-} -cp "api/target/test-classes:api/target/classes:$(cat api/target/bench.classpath)" \
  benchmarks.ChainOverheadBenchmark "$@"
