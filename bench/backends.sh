#!/usr/bin/env bash
# SQLite and PostgreSQL side by side on the core benchmark's store
# (docs/BENCHMARKS.md, "Both backends"): 10,000 applications, 50,000
# interviews, 200,000 touches, generated as in bench/core.sh, then
#   import:  `debrief --db X import data.json` into a new file, and
#            `debrief --database URL import data.json` into a new database
#            (plus, for reference, `import --replace --yes` onto the 10,000
#            applications already there: a journal of 10,000 before/afters)
#   agenda:  `debrief … --now … agenda --json > /dev/null`, a new process each run
#   API:     `debrief … --now … serve` on each store and
#            `wrk -t2 -c64 -d$DURATION --latency` against GET /api/v1/agenda
#            (identity: 7 MB a response; and with Accept-Encoding: gzip)
# PostgreSQL: DEBRIEF_BENCH_DATABASE_URL, or the server of .ci/postgres
# (its own database $BENCH_DB, dropped and made anew before each import;
# with DEBRIEF_BENCH_DATABASE_URL every import is `--replace` instead).
#
# Usage: bash bench/backends.sh
# Knobs: APPS=10000 INTERVIEWS=5 TOUCHES=20 SEED=1 RUNS=10 IMPORT_RUNS=3
#        BENCH_DB=debrief_bench DURATION=15s CONNECTIONS=64 PORT=7981 WRK=1
#        BIN=DIR (use DIR/debrief and DIR/debrief-bench instead of building)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

APPS="${APPS:-10000}"
INTERVIEWS="${INTERVIEWS:-5}"
TOUCHES="${TOUCHES:-20}"
SEED="${SEED:-1}"
RUNS="${RUNS:-10}"
IMPORT_RUNS="${IMPORT_RUNS:-3}"
BENCH_DB="${BENCH_DB:-debrief_bench}"
DURATION="${DURATION:-15s}"
CONNECTIONS="${CONNECTIONS:-64}"
PORT="${PORT:-7981}"
WRK="${WRK:-1}"
NOW="2026-11-22T09:00:00-06:00"

say() { printf '\n== %s\n' "$*"; }

if [[ -n "${BIN:-}" ]]; then
  # Binaries built elsewhere (another commit, for a before/after).
  DEBRIEF="$BIN/debrief"
  BENCH="$BIN/debrief-bench"
else
  cargo build --release -p debrief -p debrief-bench
  DEBRIEF="$ROOT/target/release/debrief"
  BENCH="$ROOT/target/release/debrief-bench"
fi

url="${DEBRIEF_BENCH_DATABASE_URL:-}"
base=""
fresh_pg() { :; }
if [[ -z "$url" ]]; then
  base="$(.ci/postgres)"
  fresh_pg() {
    psql "$base" -qc "DROP DATABASE IF EXISTS $BENCH_DB WITH (FORCE)"
    psql "$base" -qc "CREATE DATABASE $BENCH_DB"
  }
  fresh_pg
  url="${base%/*}/$BENCH_DB"
fi
safe_url="$(printf '%s' "$url" | sed -E 's#://([^:@/]+):[^@]*@#://\1@#')"

TMP="$(mktemp -d "${TMPDIR:-/tmp}/debrief-backends.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
DATA="$TMP/data.json"
say "generating $APPS applications × $INTERVIEWS interviews × $TOUCHES touches (seed $SEED)"
"$BENCH" generate --apps "$APPS" --interviews-per-app "$INTERVIEWS" \
  --touches-per-app "$TOUCHES" --seed "$SEED" --now "$NOW" "$DATA"

# Median of the wall times (ms) of running "$@" N times, stdout discarded;
# PREPARE (a command) runs before each, untimed.
PREPARE=:
median_ms() {
  local n="$1"; shift
  local times=()
  for _ in $(seq "$n"); do
    local start end
    $PREPARE >/dev/null
    start=$(date +%s%N)
    "$@" >/dev/null
    end=$(date +%s%N)
    times+=($(( (end - start) / 1000000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

sqlite_import() { "$DEBRIEF" --db "$TMP/s.db" import "$DATA"; }
pg_import() { "$DEBRIEF" --database "$url" import --replace --yes "$DATA"; }

say "import ($IMPORT_RUNS runs each, median)"
PREPARE="rm -f $TMP/s.db $TMP/s.db-wal $TMP/s.db-shm"
imp_sqlite=$(median_ms "$IMPORT_RUNS" sqlite_import)
if [[ -n "$base" ]]; then PREPARE=fresh_pg; else PREPARE=:; fi
imp_pg=$(median_ms "$IMPORT_RUNS" pg_import)
PREPARE=:
say "import --replace onto the same 10,000 applications ($IMPORT_RUNS runs each, median)"
sqlite_replace() { "$DEBRIEF" --db "$TMP/s.db" import --replace --yes "$DATA"; }
rep_sqlite=$(median_ms "$IMPORT_RUNS" sqlite_replace)
rep_pg=$(median_ms "$IMPORT_RUNS" pg_import)

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

# --- the API under wrk ----------------------------------------------------
declare -A rps p50 p99 errs
if [[ "$WRK" == 1 ]]; then
  if ! command -v wrk >/dev/null; then
    sudo_=""; [[ $(id -u) -eq 0 ]] || sudo_="sudo"
    $sudo_ apt-get install -y wrk curl >/dev/null || true
  fi
  if ! command -v wrk >/dev/null || ! command -v curl >/dev/null; then
    printf '\n!!!!!!!! wrk or curl is missing: the API benchmark is SKIPPED (apt-get install -y wrk curl) !!!!!!!!\n' >&2
    WRK=0
  fi
fi
SERVER_PID=""
stop_server() {
  if [[ -n "$SERVER_PID" ]]; then
    kill -INT "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
  fi
}
trap 'stop_server; rm -rf "$TMP"' EXIT
# wrk's latency in ms ("1.23ms", "456.00us", "1.20s").
to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; printf "%.2f", v}'; }
api_bench() { # NAME STORE-ARGS...
  local name="$1"; shift
  "$DEBRIEF" "$@" --now "$NOW" serve --addr "127.0.0.1:$PORT" >"$TMP/serve-$name.log" 2>&1 &
  SERVER_PID=$!
  local base_url="http://127.0.0.1:$PORT"
  for _ in $(seq 1 200); do
    curl -fsS -o /dev/null "$base_url/api/v1/agenda" 2>/dev/null && break
    sleep 0.1
  done
  cmp <(curl -fsS "$base_url/api/v1/agenda") <("$DEBRIEF" "$@" --now "$NOW" agenda --json) \
    && echo "$name: GET /api/v1/agenda is the same as agenda --json"
  local enc
  for enc in identity gzip; do
    local key="$name-$enc" out="$TMP/wrk-$name-$enc.txt"
    wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -H "Accept-Encoding: $enc" \
      "$base_url/api/v1/agenda" >"$out"
    cat "$out"
    rps[$key]=$(awk '/^Requests\/sec/ {printf "%.0f", $2}' "$out")
    p50[$key]=$(awk '$1 == "50%" {print $2}' "$out" | to_ms)
    p99[$key]=$(awk '$1 == "99%" {print $2}' "$out" | to_ms)
    local sock non2xx
    sock=$(awk '/Socket errors/ {gsub(",",""); print $4+$6+$8+$10}' "$out")
    non2xx=$(awk '/Non-2xx/ {print $5}' "$out")
    errs[$key]=$(( ${sock:-0} + ${non2xx:-0} ))
  done
  stop_server
}
if [[ "$WRK" == 1 ]]; then
  say "API: wrk -t2 -c$CONNECTIONS -d$DURATION against GET /api/v1/agenda"
  api_bench sqlite --db "$TMP/s.db"
  api_bench postgres --database "$url"
fi

say "results ($APPS applications; PostgreSQL at $safe_url; load average $(cut -d' ' -f1-3 /proc/loadavg))"
printf '| | SQLite | PostgreSQL |\n|---|---|---|\n'
printf '| import into a new store (median of %s) | %s ms | %s ms |\n' "$IMPORT_RUNS" "$imp_sqlite" "$imp_pg"
printf '| import --replace onto the same data (median of %s) | %s ms | %s ms |\n' "$IMPORT_RUNS" "$rep_sqlite" "$rep_pg"
printf '| agenda --json, cold process (median of %s) | %s ms | %s ms |\n' "$RUNS" "$ag_sqlite" "$ag_pg"
if [[ "$WRK" == 1 ]]; then
  for enc in identity gzip; do
    printf '| API agenda (%s), wrk -c%s: req/s | %s | %s |\n' "$enc" "$CONNECTIONS" "${rps[sqlite-$enc]}" "${rps[postgres-$enc]}"
    printf '| API agenda (%s): p50 / p99 | %s / %s ms | %s / %s ms |\n' "$enc" \
      "${p50[sqlite-$enc]}" "${p99[sqlite-$enc]}" "${p50[postgres-$enc]}" "${p99[postgres-$enc]}"
    printf '| API agenda (%s): errors | %s | %s |\n' "$enc" "${errs[sqlite-$enc]}" "${errs[postgres-$enc]}"
  done
fi
