#!/usr/bin/env bash
# The core benchmark (docs/BENCHMARKS.md, "Core: agenda, engine, import").
#
# A heavy user's store (10,000 applications, 50,000 interviews, 200,000
# touches) is generated, imported, and then timed:
#   (a) import:  `debrief --db X import data.json`  wall time and peak RSS
#   (b) agenda:  `debrief --db X --now … agenda --json > /dev/null` as a whole
#                cold process (hyperfine) and its peak RSS
#   (c) engine:  `Engine::agenda` alone, in process (debrief-bench engine)
#   (d) export:  `debrief --db X export -o /dev/null`, for reference
# plus an in-process split of (a) and (b) to show where the time goes.
#
# Usage: bash bench/core.sh
# Knobs (environment): APPS=10000 INTERVIEWS=5 TOUCHES=20 SEED=1
#   RUNS=20 WARMUP=3 IMPORT_RUNS=3 ENGINE_ITERATIONS=30
#   OUT=/tmp/debrief-bench-results (hyperfine exports, summary.md)
# "Cold process" means a fresh process each run; the OS page cache stays
# warm (hyperfine's warm-up), as it does for someone running the command twice.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

APPS="${APPS:-10000}"
INTERVIEWS="${INTERVIEWS:-5}"
TOUCHES="${TOUCHES:-20}"
SEED="${SEED:-1}"
RUNS="${RUNS:-20}"
WARMUP="${WARMUP:-3}"
IMPORT_RUNS="${IMPORT_RUNS:-3}"
ENGINE_ITERATIONS="${ENGINE_ITERATIONS:-30}"
NOW="2026-11-22T09:00:00-06:00"
OUT="${OUT:-${TMPDIR:-/tmp}/debrief-bench-results}"

# Targets from the issue.
TARGET_AGENDA_MS=50
TARGET_ENGINE_MS=10
TARGET_IMPORT_MS=5000
TARGET_RSS_MB=100

say() { printf '\n== %s\n' "$*"; }
loud() { printf '\n!!!!!!!! %s !!!!!!!!\n' "$*" >&2; }

# --- tools -----------------------------------------------------------------
need=()
[[ -x /usr/bin/time ]] || need+=(time)
command -v hyperfine >/dev/null || need+=(hyperfine)
command -v jq >/dev/null || need+=(jq)
if ((${#need[@]})); then
  say "installing ${need[*]}"
  sudo_=""
  [[ $(id -u) -eq 0 ]] || sudo_="sudo"
  if ! $sudo_ apt-get install -y "${need[@]}"; then
    loud "could not install ${need[*]}; the measurements that need them are SKIPPED"
  fi
fi
HAVE_TIME=0; [[ -x /usr/bin/time ]] && HAVE_TIME=1
HAVE_HYPERFINE=0; command -v hyperfine >/dev/null && HAVE_HYPERFINE=1
HAVE_JQ=0; command -v jq >/dev/null && HAVE_JQ=1
((HAVE_TIME)) || loud "/usr/bin/time missing: peak RSS is SKIPPED"
((HAVE_HYPERFINE && HAVE_JQ)) || loud "hyperfine or jq missing: timings fall back to a single run each"

# --- machine ---------------------------------------------------------------
mkdir -p "$OUT"
{
  echo "date:    $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  if git -C "$ROOT" rev-parse --short HEAD >/dev/null 2>&1; then
    echo "commit:  $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD -- crates || echo ' (with local changes under crates/)')"
  else
    echo "commit:  ${BENCH_COMMIT:-unknown (not a git checkout)}"
  fi
  echo "cpu:     $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//') ($(nproc) cores available)"
  echo "memory:  $(awk '/MemTotal/ {printf "%.1f GB", $2/1048576}' /proc/meminfo)"
  echo "kernel:  $(uname -sr)"
  echo "rustc:   $(rustc --version)"
  echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min, at start)"
} | tee "$OUT/machine.txt"

# --- build -----------------------------------------------------------------
say "building (release)"
cargo build --release -p debrief -p debrief-bench
TARGET_DIR="$(cargo metadata --format-version 1 --no-deps 2>/dev/null | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
TARGET_DIR="${TARGET_DIR:-$ROOT/target}"
DEBRIEF="$TARGET_DIR/release/debrief"
BENCH="$TARGET_DIR/release/debrief-bench"

TMP="$(mktemp -d "${TMPDIR:-/tmp}/debrief-bench.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
DATA="$TMP/data.json"
DB="$TMP/store.db"

say "generating $APPS applications × $INTERVIEWS interviews × $TOUCHES touches (seed $SEED)"
"$BENCH" generate --apps "$APPS" --interviews-per-app "$INTERVIEWS" \
  --touches-per-app "$TOUCHES" --seed "$SEED" --now "$NOW" "$DATA" | tee "$OUT/dataset.txt"

# Peak RSS in MB of one run of "$@" (stdout discarded), or "n/a".
peak_rss_mb() {
  if ((HAVE_TIME)); then
    /usr/bin/time -v "$@" 2>"$TMP/time.txt" >/dev/null
    awk -F: '/Maximum resident set size/ {printf "%.1f", $2/1024}' "$TMP/time.txt"
  else
    "$@" >/dev/null
    echo "n/a"
  fi
}

# "median min max" in ms from a hyperfine JSON export.
hf_stats() {
  jq -r '.results[0] | "\(.median*1000) \(.min*1000) \(.max*1000)"' "$1" |
    awk '{printf "%.1f %.1f %.1f\n", $1, $2, $3}'
}

# One timed run of "$@" in ms (fallback without hyperfine).
once_ms() {
  local t0 t1
  t0=$(date +%s%N); "$@" >/dev/null; t1=$(date +%s%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", (b-a)/1e6}'
}

fresh_db() { rm -f "$DB" "$DB-wal" "$DB-shm"; }

# --- (a) import --------------------------------------------------------------
say "(a) import"
if ((HAVE_HYPERFINE && HAVE_JQ)); then
  hyperfine --runs "$IMPORT_RUNS" --prepare "rm -f '$DB' '$DB-wal' '$DB-shm'" \
    --export-json "$OUT/import.json" --export-markdown "$OUT/import.md" \
    "'$DEBRIEF' --db '$DB' import '$DATA'"
  read -r IMPORT_MED IMPORT_MIN IMPORT_MAX < <(hf_stats "$OUT/import.json")
else
  fresh_db
  IMPORT_MED=$(once_ms "$DEBRIEF" --db "$DB" import "$DATA"); IMPORT_MIN=$IMPORT_MED; IMPORT_MAX=$IMPORT_MED
fi
fresh_db
IMPORT_RSS=$(peak_rss_mb "$DEBRIEF" --db "$DB" import "$DATA")
echo "import peak RSS: $IMPORT_RSS MB; store: $(du -h "$DB" | cut -f1)"

# --- (b) agenda --json, cold process ----------------------------------------
AGENDA=("$DEBRIEF" --db "$DB" --now "$NOW" agenda --json)
say "(b) agenda --json (whole process)"
ACTIONS=$("${AGENDA[@]}" | { if ((HAVE_JQ)); then jq '.actions | length'; else wc -c; fi; })
echo "agenda: $ACTIONS actions, $("${AGENDA[@]}" | wc -c) bytes of JSON"
if ((HAVE_HYPERFINE && HAVE_JQ)); then
  hyperfine --warmup "$WARMUP" --runs "$RUNS" \
    --export-json "$OUT/agenda.json" --export-markdown "$OUT/agenda.md" \
    "'$DEBRIEF' --db '$DB' --now '$NOW' agenda --json > /dev/null"
  read -r AGENDA_MED AGENDA_MIN AGENDA_MAX < <(hf_stats "$OUT/agenda.json")
else
  AGENDA_MED=$(once_ms "${AGENDA[@]}"); AGENDA_MIN=$AGENDA_MED; AGENDA_MAX=$AGENDA_MED
fi
AGENDA_RSS=$(peak_rss_mb "${AGENDA[@]}")
echo "agenda peak RSS: $AGENDA_RSS MB"

# --- (c) the engine alone ---------------------------------------------------
say "(c) Engine::agenda in process"
"$BENCH" engine "$DATA" --iterations "$ENGINE_ITERATIONS" --now "$NOW" | tee "$OUT/engine.txt"
line=$(grep '^# engine' "$OUT/engine.txt")
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$line"; }
ENGINE_MED=$(field median_ms); ENGINE_MIN=$(field min_ms); ENGINE_MAX=$(field max_ms)

# --- (d) export, for reference ----------------------------------------------
say "(d) export (reference, no target)"
if ((HAVE_HYPERFINE && HAVE_JQ)); then
  hyperfine --warmup 1 --runs 5 \
    --export-json "$OUT/export.json" --export-markdown "$OUT/export.md" \
    "'$DEBRIEF' --db '$DB' export -o /dev/null"
  read -r EXPORT_MED EXPORT_MIN EXPORT_MAX < <(hf_stats "$OUT/export.json")
else
  EXPORT_MED=$(once_ms "$DEBRIEF" --db "$DB" export -o /dev/null); EXPORT_MIN=$EXPORT_MED; EXPORT_MAX=$EXPORT_MED
fi
EXPORT_RSS=$(peak_rss_mb "$DEBRIEF" --db "$DB" export -o /dev/null)

# --- where the time goes ------------------------------------------------------
say "where the time goes (in process)"
"$BENCH" phases "$DB" --iterations 10 --now "$NOW" | tee "$OUT/phases.txt"
"$BENCH" import-phases "$DATA" "$TMP/phases.db" | tee -a "$OUT/phases.txt"

# --- summary -----------------------------------------------------------------
verdict() { # value target
  if [[ "$1" == "n/a" ]]; then echo "SKIPPED"; return; fi
  awk -v v="$1" -v t="$2" 'BEGIN { print (v < t) ? "PASS" : "FAIL" }'
}
PEAK_RSS=$(printf '%s\n%s\n' "$IMPORT_RSS" "$AGENDA_RSS" | grep -v n/a | sort -g | tail -1)
PEAK_RSS="${PEAK_RSS:-n/a}"
say "summary"
{
  echo "dataset: $(cat "$OUT/dataset.txt")"
  echo "agenda: $ACTIONS actions at $NOW"
  echo
  printf '| %-38s | %10s | %10s | %10s | %9s | %-9s | %-7s |\n' measure median min max "peak RSS" target result
  printf '|%s|%s|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..40})" "------------" "------------" "------------" "-----------" "-----------" "---------"
  printf '| %-38s | %7s ms | %7s ms | %7s ms | %6s MB | %-9s | %-7s |\n' \
    "agenda --json, whole cold process" "$AGENDA_MED" "$AGENDA_MIN" "$AGENDA_MAX" "$AGENDA_RSS" "< ${TARGET_AGENDA_MS} ms" "$(verdict "$AGENDA_MED" $TARGET_AGENDA_MS)"
  printf '| %-38s | %7s ms | %7s ms | %7s ms | %9s | %-9s | %-7s |\n' \
    "Engine::agenda, in process" "$ENGINE_MED" "$ENGINE_MIN" "$ENGINE_MAX" "" "< ${TARGET_ENGINE_MS} ms" "$(verdict "$ENGINE_MED" $TARGET_ENGINE_MS)"
  printf '| %-38s | %7s ms | %7s ms | %7s ms | %6s MB | %-9s | %-7s |\n' \
    "import (fresh store)" "$IMPORT_MED" "$IMPORT_MIN" "$IMPORT_MAX" "$IMPORT_RSS" "< 5 s" "$(verdict "$IMPORT_MED" $TARGET_IMPORT_MS)"
  printf '| %-38s | %7s ms | %7s ms | %7s ms | %6s MB | %-9s | %-7s |\n' \
    "export (reference)" "$EXPORT_MED" "$EXPORT_MIN" "$EXPORT_MAX" "$EXPORT_RSS" "-" "-"
  printf '| %-38s | %10s | %10s | %10s | %6s MB | %-9s | %-7s |\n' \
    "peak memory (import, agenda)" "" "" "" "$PEAK_RSS" "< ${TARGET_RSS_MB} MB" "$(verdict "$PEAK_RSS" $TARGET_RSS_MB)"
  echo
  echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min; a busy machine inflates every number)"
} | tee "$OUT/summary.md"
echo
echo "results in $OUT"
