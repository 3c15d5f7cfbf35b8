#!/usr/bin/env bash
# Measures the ledger's command path: transfers and retirements per second and p50/p99 latency per
# command through Axon's CommandGateway with 1, 8 and 32 concurrent clients, over many batches and
# on one hot batch, in the whole service and in bare Axon on the same durable PostgreSQL (fsync on),
# side by side in one run (see api/src/test/java/benchmarks/CommandPathBenchmark.java). Prints a
# table and writes target/bench/parts/command-path.json. Asserts nothing.
#
#   bench/command-path.sh [commands per measurement (1600)] [rounds (1)] [clients (1,8,32)]
#
# About 2 to 3 minutes by default on the 2-core machine. BENCH_SKIP_BUILD=1 uses the classes and
# class path of the previous build; BENCH_JAVA_OPTS are passed to the benchmark's JVM, which runs
# the service: -Dbench.jfr=<folder> records every measurement with Flight Recorder (java -cp ...
# benchmarks.JfrSummary <file> prints where a recording's time went), -Dbench.pgwaits=true samples
# what PostgreSQL's backends wait on, -Dbench.countsql=true counts round trips to the database per
# command, -Dbench.modes=service measures one configuration only, -Dbench.hot.commands=N sets the
# hot batch's stream length (400), -Dbench.analyze=false skips analyzing the new schema after the
# warm-up (PostgresActivity.analyze) and so measures a new database's first minute,
# -Dbench.pgstatements=true prints each measurement's top statements per command
# (pg_stat_statements).
set -euo pipefail
cd "$(dirname "$0")/.."
# Compiled in the reactor and never installed: the class path names the sibling modules' target
# folders, not jars in ~/.m2 that other work trees share.
if [ -z "${BENCH_SKIP_BUILD:-}" ]; then
  ./mvnw -q -B -pl api -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/bench.classpath -Dspotless.check.skip=true
fi
exec java -Xmx2g ${BENCH_JAVA_OPTS:-} \
  -cp "api/target/test-classes:api/target/classes:$(cat api/target/bench.classpath)" \
  benchmarks.CommandPathBenchmark "$@"
