#!/usr/bin/env bash
# The web benchmark (docs/BENCHMARKS.md, "Web").
#
# The heavy store of bench/core.sh (10,000 applications, 50,000 interviews,
# 200,000 touches) is generated and imported, `debrief serve` is started on
# it with a fixed clock, and wrk measures, each for DURATION at 64
# connections on 2 threads:
#   agenda        GET /api/v1/agenda                the default URL: 7.6 MB, identity
#   agenda-gzip   … with Accept-Encoding: gzip      what a browser or real client gets
#   agenda-304    … with If-None-Match: <ETag>      a client polling for changes
#   agenda-page   GET /api/v1/agenda?limit=50       the first page
#   today         GET /                             Today, identity
#   today-gzip    GET / with Accept-Encoding: gzip  Today as a browser gets it
# and reports requests/s, p50/p99 latency, errors, and the server's peak
# resident memory (VmHWM from /proc) with its anonymous and file-backed
# parts at the end.
#
# Usage: bash crates/web/bench/wrk.sh
# Knobs (environment): APPS=10000 INTERVIEWS=5 TOUCHES=20 SEED=1
#   CONNECTIONS=64 THREADS=2 DURATION=15s PORT=7979
#   OUT=/tmp/debrief-web-bench (wrk outputs, summary.md)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cd "$ROOT"

APPS="${APPS:-10000}"
INTERVIEWS="${INTERVIEWS:-5}"
TOUCHES="${TOUCHES:-20}"
SEED="${SEED:-1}"
CONNECTIONS="${CONNECTIONS:-64}"
THREADS="${THREADS:-2}"
DURATION="${DURATION:-15s}"
PORT="${PORT:-7979}"
NOW="2026-11-22T09:00:00-06:00"
OUT="${OUT:-${TMPDIR:-/tmp}/debrief-web-bench}"

# Targets from the issue (for the API agenda).
TARGET_RPS=5000
TARGET_P99_MS=20
TARGET_RSS_MB=100

say() { printf '\n== %s\n' "$*"; }
loud() { printf '\n!!!!!!!! %s !!!!!!!!\n' "$*" >&2; }

# --- tools -----------------------------------------------------------------
need=()
command -v wrk >/dev/null || need+=(wrk)
command -v curl >/dev/null || need+=(curl)
if ((${#need[@]})); then
  say "installing ${need[*]}"
  sudo_=""
  [[ $(id -u) -eq 0 ]] || sudo_="sudo"
  $sudo_ apt-get install -y "${need[@]}" || { $sudo_ apt-get update && $sudo_ apt-get install -y "${need[@]}"; } || true
fi
if ! command -v wrk >/dev/null || ! command -v curl >/dev/null; then
  loud "wrk or curl is missing and could not be installed: the web benchmark is SKIPPED (apt-get install wrk curl)"
  exit 1
fi

mkdir -p "$OUT"
{
  echo "date:    $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit:  $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet HEAD -- crates 2>/dev/null || echo ' (with local changes under crates/)')"
  echo "cpu:     $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//') ($(nproc) cores available)"
  echo "memory:  $(awk '/MemTotal/ {printf "%.1f GB", $2/1048576}' /proc/meminfo)"
  echo "kernel:  $(uname -sr)"
  echo "rustc:   $(rustc --version)"
  echo "wrk:     $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)"
  echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min, at start)"
} | tee "$OUT/machine.txt"

# --- build and data ----------------------------------------------------------
say "building (release)"
cargo build --release -p debrief -p debrief-bench
TARGET_DIR="$(cargo metadata --format-version 1 --no-deps 2>/dev/null | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
TARGET_DIR="${TARGET_DIR:-$ROOT/target}"
DEBRIEF="$TARGET_DIR/release/debrief"
BENCH="$TARGET_DIR/release/debrief-bench"

TMP="$(mktemp -d "${TMPDIR:-/tmp}/debrief-web-bench.XXXXXX")"
SERVER_PID=""
cleanup() {
  [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT
DATA="$TMP/data.json"
DB="$TMP/store.db"

say "generating $APPS applications × $INTERVIEWS interviews × $TOUCHES touches (seed $SEED)"
"$BENCH" generate --apps "$APPS" --interviews-per-app "$INTERVIEWS" \
  --touches-per-app "$TOUCHES" --seed "$SEED" --now "$NOW" "$DATA" | tee "$OUT/dataset.txt"
"$DEBRIEF" --db "$DB" import "$DATA" >/dev/null
rm -f "$DATA"

# --- the server ----------------------------------------------------------------
# --now is a global option: with serve it fixes the clock of every page and
# API answer, so the agenda is computed once and every request is the same.
say "starting debrief serve on 127.0.0.1:$PORT (clock fixed at $NOW)"
"$DEBRIEF" --db "$DB" --now "$NOW" serve --addr "127.0.0.1:$PORT" >"$OUT/serve.log" 2>&1 &
SERVER_PID=$!
BASE="http://127.0.0.1:$PORT"
for _ in $(seq 1 100); do
  curl -fsS -o /dev/null "$BASE/assets/style.css" 2>/dev/null && break
  sleep 0.1
done
curl -fsS -o /dev/null "$BASE/assets/style.css" || { loud "the server did not start"; cat "$OUT/serve.log"; exit 1; }
status_kb() { awk -v k="$1:" '$1 == k {print $2}' "/proc/$SERVER_PID/status"; }
mb() { awk -v kb="$1" 'BEGIN {printf "%.1f", kb/1024}'; }
echo "idle: VmRSS $(mb "$(status_kb VmRSS)") MB"

# The first request builds the snapshot (reads the store, runs the engine,
# writes the JSON); later ones are served from it.
FIRST_MS=$(curl -sS -o /dev/null -w '%{time_total}' "$BASE/api/v1/agenda" | awk '{printf "%.0f", $1*1000}')
BYTES=$(curl -sS "$BASE/api/v1/agenda" | wc -c)
GZ_BYTES=$(curl -sS -H 'Accept-Encoding: gzip' "$BASE/api/v1/agenda" | wc -c)
TODAY_BYTES=$(curl -sS "$BASE/" | wc -c)
TODAY_GZ_BYTES=$(curl -sS -H 'Accept-Encoding: gzip' "$BASE/" | wc -c)
PAGE_BYTES=$(curl -sS "$BASE/api/v1/agenda?limit=50" | wc -c)
ETAG=$(curl -sS -D - -o /dev/null "$BASE/api/v1/agenda" | awk 'tolower($1) == "etag:" {print $2}' | tr -d '\r')
# The same bytes as the command line prints.
if cmp -s <(curl -sS "$BASE/api/v1/agenda") <("$DEBRIEF" --db "$DB" --now "$NOW" agenda --json); then
  SAME="yes"
else
  SAME="NO"
  loud "GET /api/v1/agenda differs from debrief agenda --json"
fi
{
  echo "first /api/v1/agenda (builds the snapshot): ${FIRST_MS} ms"
  echo "agenda: $BYTES bytes, gzip $GZ_BYTES bytes; first page (limit=50) $PAGE_BYTES bytes; identical to the CLI: $SAME"
  echo "Today: $TODAY_BYTES bytes, gzip $TODAY_GZ_BYTES bytes; ETag $ETAG"
  echo "after warm-up: VmRSS $(mb "$(status_kb VmRSS)") MB"
} | tee "$OUT/sizes.txt"

# --- wrk ------------------------------------------------------------------------
to_ms() { # "1.23ms" | "456.78us" | "1.02s" -> ms
  awk -v v="$1" 'BEGIN {
    if (v ~ /us$/) { sub(/us$/, "", v); printf "%.2f", v / 1000 }
    else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.2f", v }
    else if (v ~ /m$/) { sub(/m$/, "", v); printf "%.2f", v * 60000 }
    else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.2f", v * 1000 }
    else printf "n/a" }'
}

ROWS=()
run() { # name path [header]
  local name="$1" path="$2" header="${3:-}"
  local args=(-t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency --timeout 10s)
  [[ -n "$header" ]] && args+=(-H "$header")
  say "wrk $name: GET $path ${header:+($header)}"
  wrk "${args[@]}" "$BASE$path" | tee "$OUT/wrk-$name.txt"
  local f="$OUT/wrk-$name.txt"
  local rps p50 p99 transfer socket non2xx errors
  rps=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$f")
  p50=$(to_ms "$(awk '$1 == "50%" {print $2}' "$f")")
  p99=$(to_ms "$(awk '$1 == "99%" {print $2}' "$f")")
  transfer=$(awk '/^Transfer\/sec:/ {print $2}' "$f")
  socket=$(awk -F'[ ,]+' '/Socket errors:/ {print $4+$6+$8+$10}' "$f")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$f")
  errors=$(( ${socket:-0} + ${non2xx:-0} ))
  ROWS+=("$(printf '| %-12s | %-52s | %8s | %8s ms | %8s ms | %9s | %6s |' \
    "$name" "\`$path\`${header:+ + \`$header\`}" "$rps" "$p50" "$p99" "$transfer" "$errors")")
  eval "RPS_${name//-/_}=$rps P99_${name//-/_}=$p99 ERR_${name//-/_}=$errors"
}

run agenda /api/v1/agenda
run agenda-gzip /api/v1/agenda "Accept-Encoding: gzip"
run agenda-304 /api/v1/agenda "If-None-Match: $ETAG"
run agenda-page "/api/v1/agenda?limit=50"
run today /
run today-gzip / "Accept-Encoding: gzip"

HWM_KB=$(status_kb VmHWM)
RSS_KB=$(status_kb VmRSS)
ANON_KB=$(status_kb RssAnon)
FILE_KB=$(status_kb RssFile)
HWM=$(mb "$HWM_KB")

# Ctrl-C: it must stop cleanly.
kill -INT "$SERVER_PID"
wait "$SERVER_PID" && STOP="clean (exit 0)" || STOP="exit $?"
SERVER_PID=""

verdict() { # value target [lower-is-better]
  [[ "$1" =~ ^[0-9.]+$ ]] || { echo "n/a"; return; }
  if [[ "${3:-}" == lower ]]; then awk -v v="$1" -v t="$2" 'BEGIN { print (v < t) ? "PASS" : "FAIL" }'
  else awk -v v="$1" -v t="$2" 'BEGIN { print (v >= t) ? "PASS" : "FAIL" }'; fi
}

say "summary"
{
  echo "dataset: $(cat "$OUT/dataset.txt")"
  cat "$OUT/sizes.txt"
  echo
  echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency, server and wrk on the same $(nproc)-core machine"
  echo
  echo "| run          | request                                              |    req/s |      p50    |      p99    | transfer/s | errors |"
  echo "|--------------|------------------------------------------------------|---------:|------------:|------------:|-----------:|-------:|"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "server peak memory (VmHWM): $HWM MB; at the end VmRSS $(mb "$RSS_KB") MB = anonymous $(mb "$ANON_KB") MB + file-backed $(mb "$FILE_KB") MB (SQLite's memory-mapped store)"
  echo "stop on Ctrl-C: $STOP"
  echo
  echo "targets (API agenda): >= $TARGET_RPS req/s, p99 < $TARGET_P99_MS ms, no errors, < $TARGET_RSS_MB MB"
  for n in agenda agenda_gzip agenda_304 agenda_page; do
    r="RPS_$n"; p="P99_$n"; e="ERR_$n"
    echo "  $n: req/s $(verdict "${!r}" $TARGET_RPS), p99 $(verdict "${!p}" $TARGET_P99_MS lower), errors $( [[ "${!e}" == 0 ]] && echo PASS || echo FAIL)"
  done
  echo "  memory: $(verdict "$HWM" $TARGET_RSS_MB lower)"
  echo
  echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min)"
} | tee "$OUT/summary.md"
echo
echo "results in $OUT"
