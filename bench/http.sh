#!/usr/bin/env bash
# Measures transfers through the REST API: the whole service started in its own JVM on a real port
# with API keys on, on a durable PostgreSQL (fsync on), driven over loopback by a small load
# generator (a blocking HTTP/1.1 keep-alive socket per client, benchmarks.LoopbackHttp): a closed loop of 32 connections for maximum throughput, then an open loop at a fixed
# rate (1,000/s) with latency counted from each request's scheduled time (p50, p99, p99.9). During
# both it measures the sequencer's lag (a transfer's response to the first signed checkpoint that
# covers it) and the service's RSS, heap and CPU (see
# api/src/test/java/benchmarks/HttpLoadBenchmark.java). Prints a table and writes
# target/bench/parts/http.json. Asserts nothing.
#
#   bench/http.sh [closed-loop seconds (20)] [open-loop rate (1000)] [open-loop seconds (20)]
#                 [connections (32)]
#
# About 2 minutes by default. BENCH_SKIP_BUILD=1 uses the previous build. BENCH_SERVICE_JAVA_OPTS
# are the service's JVM options (default -Xmx1g). BENCH_JAVA_OPTS go to the generator's JVM:
# -Dbench.service.jfr=<file> there records the service's closed-loop run with Flight Recorder
# (through jcmd) and prints where its time went; -Dbench.idempotency=true sends an Idempotency-Key
# with every transfer.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${BENCH_SKIP_BUILD:-}" ]; then
  ./mvnw -q -B -pl api -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/bench.classpath -Dspotless.check.skip=true
fi
exec java -Xmx1g ${BENCH_JAVA_OPTS:-} -Dbench.service.java-opts="${BENCH_SERVICE_JAVA_OPTS:-}" \
  -cp "api/target/test-classes:api/target/classes:$(cat api/target/bench.classpath)" \
  benchmarks.HttpLoadBenchmark "$@"
