#!/usr/bin/env bash
# Compares two runs of bench/run.sh figure by figure: each figure's value in both runs and B/A,
# and each figure's ratio to its limit in both runs and B/A of those ratios, which is the
# comparison that survives a shared, noisy machine (docs/performance.md).
#
#   bench/compare.sh target/bench/results-A.json target/bench/results-B.json
set -euo pipefail
if [ "$#" -ne 2 ]; then
  echo "usage: bench/compare.sh A.json B.json" >&2
  exit 2
fi
exec python3 "$(dirname "$0")/figures.py" compare "$1" "$2"
