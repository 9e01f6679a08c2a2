#!/usr/bin/env bash
# SQLite and PostgreSQL side by side on the core benchmark's store
# (docs/BENCHMARKS.md, "Both backends"): 10,000 applications, 50,000
# interviews, 200,000 touches, generated as in bench/core.sh, then
#   import:  `debrief --db X import data.json` vs `debrief --database URL import --replace --yes data.json`
#   agenda:  `debrief … --now … agenda --json > /dev/null`, a new process each run
# PostgreSQL: DEBRIEF_BENCH_DATABASE_URL, or a throwaway server from
# .ci/postgres (its own database `debrief_bench`, dropped and made anew).
#
# Usage: bash bench/backends.sh
# Knobs: APPS=10000 INTERVIEWS=5 TOUCHES=20 SEED=1 RUNS=10 IMPORT_RUNS=3
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

APPS="${APPS:-10000}"
INTERVIEWS="${INTERVIEWS:-5}"
TOUCHES="${TOUCHES:-20}"
SEED="${SEED:-1}"
RUNS="${RUNS:-10}"
IMPORT_RUNS="${IMPORT_RUNS:-3}"
NOW="2026-11-22T09:00:00-06:00"

say() { printf '\n== %s\n' "$*"; }

cargo build --release -p debrief -p debrief-bench
DEBRIEF="$ROOT/target/release/debrief"
BENCH="$ROOT/target/release/debrief-bench"

url="${DEBRIEF_BENCH_DATABASE_URL:-}"
if [[ -z "$url" ]]; then
  base="$(.ci/postgres)"
  psql "$base" -qc "DROP DATABASE IF EXISTS debrief_bench WITH (FORCE)"
  psql "$base" -qc "CREATE DATABASE debrief_bench"
  url="${base%/*}/debrief_bench"
fi
safe_url="$(printf '%s' "$url" | sed -E 's#://([^:@/]+):[^@]*@#://\1@#')"

TMP="$(mktemp -d "${TMPDIR:-/tmp}/debrief-backends.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
DATA="$TMP/data.json"
say "generating $APPS applications × $INTERVIEWS interviews × $TOUCHES touches (seed $SEED)"
"$BENCH" generate --apps "$APPS" --interviews-per-app "$INTERVIEWS" \
  --touches-per-app "$TOUCHES" --seed "$SEED" --now "$NOW" "$DATA"

# Median of the wall times (ms) of running "$@" N times, stdout discarded.
median_ms() {
  local n="$1"; shift
  local times=()
  for _ in $(seq "$n"); do
    local start end
    start=$(date +%s%N)
    "$@" >/dev/null
    end=$(date +%s%N)
    times+=($(( (end - start) / 1000000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

sqlite_import() { rm -f "$TMP/s.db"*; "$DEBRIEF" --db "$TMP/s.db" import "$DATA"; }
pg_import() { "$DEBRIEF" --database "$url" import --replace --yes "$DATA"; }

say "import ($IMPORT_RUNS runs each, median)"
imp_sqlite=$(median_ms "$IMPORT_RUNS" sqlite_import)
imp_pg=$(median_ms "$IMPORT_RUNS" pg_import)

say "agenda --json, a new process each run ($RUNS runs each after 2 warm-up runs, median)"
for _ in 1 2; do
  "$DEBRIEF" --db "$TMP/s.db" --now "$NOW" agenda --json >/dev/null
  "$DEBRIEF" --database "$url" --now "$NOW" agenda --json >/dev/null
done
ag_sqlite=$(median_ms "$RUNS" "$DEBRIEF" --db "$TMP/s.db" --now "$NOW" agenda --json)
ag_pg=$(median_ms "$RUNS" "$DEBRIEF" --database "$url" --now "$NOW" agenda --json)

# Same answers from both.
cmp <("$DEBRIEF" --db "$TMP/s.db" --now "$NOW" agenda --json) \
    <("$DEBRIEF" --database "$url" --now "$NOW" agenda --json) \
  && echo "the two agendas are identical"

say "results ($APPS applications; PostgreSQL at $safe_url)"
printf '| | SQLite | PostgreSQL |\n|---|---|---|\n'
printf '| import (median of %s) | %s ms | %s ms |\n' "$IMPORT_RUNS" "$imp_sqlite" "$imp_pg"
printf '| agenda --json, cold process (median of %s) | %s ms | %s ms |\n' "$RUNS" "$ag_sqlite" "$ag_pg"
