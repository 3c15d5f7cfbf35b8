#!/usr/bin/env bash
# Measures how fast the projections are rebuilt from scratch: the whole service on a durable
# PostgreSQL (fsync on) holding a ledger of N credit movements (default 30,000, chained and signed
# through the service's own event storage engine), whose projections processor is reset (its
# reset handlers empty the tables) and replays every event; events/s to completion (see
# api/src/test/java/benchmarks/ReplayBenchmark.java). Then the sequencer's lag at a fixed 3,000
# events/s for 20 s (-Dbench.sequencer.rate, -Dbench.sequencer.seconds; rate 0 skips it): movements
# written the same way, one transaction every 10 ms, each event timed from its commit to the first
# signed checkpoint covering it. Prints a table and writes
# target/bench/parts/replay.json. Asserts nothing.
#
#   bench/replay.sh [movements (30000; the issue asks 100000+)]
#
# About 1 to 2 minutes by default. BENCH_SKIP_BUILD=1 uses the previous build. BENCH_JAVA_OPTS go
# to the benchmark's JVM, which runs the service: -Dbench.jfr=<file> records the replay alone with
# Flight Recorder and prints where its time went, -Dbench.countsql=true counts the round trips to
# the database per event, -Dbench.pgwaits=true samples what PostgreSQL's backends wait on,
# -Dbench.replay.accounts=N moves the credits between N accounts instead of 16, which scatters
# each batch over more holding blocks, -Dbench.pgstatements=true prints the replay's top statements
# per event (pg_stat_statements).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${BENCH_SKIP_BUILD:-}" ]; then
  ./mvnw -q -B -pl api -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/bench.classpath -Dspotless.check.skip=true
fi
exec java -Xmx2g ${BENCH_JAVA_OPTS:-} \
  -cp "api/target/test-classes:api/target/classes:$(cat api/target/bench.classpath)" \
  benchmarks.ReplayBenchmark "$@"
