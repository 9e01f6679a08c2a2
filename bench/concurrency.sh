#!/usr/bin/env bash
# Concurrent writers on one store (issue #9): 4 real `debrief` processes
# write to one SQLite file for 20 s, each logging touches on one shared
# application and adding applications. The test checks that every write
# that exited 0 is in the store afterwards and that under 1% of writes
# failed (each with exit 3), and prints the counts.
#
#   bash bench/concurrency.sh                 # release build, 20 s
#   SECONDS_RUN=60 bash bench/concurrency.sh
#   PROFILE=dev bash bench/concurrency.sh     # the debug build the tests use
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_RUN="${SECONDS_RUN:-20}"
PROFILE="${PROFILE:-release}"
DEBRIEF_CONCURRENCY_SECONDS="$SECONDS_RUN" \
  cargo test --profile "$PROFILE" -p debrief --test data concurrent_writers_lose_no_acknowledged_write \
  -- --nocapture 2>&1 | grep -E "^concurrency:|test result"
