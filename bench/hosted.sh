#!/usr/bin/env bash
# Hosted mode under load (issue #13): 1,000 candidate accounts with 30
# applications each and 50 coaches in a real PostgreSQL, then 64
# concurrent API clients, each request with its candidate's own token:
# 80% agenda reads, 15% touches, 5% imports. Prints throughput, p50/p99
# per kind, errors, the server's peak resident memory and the most
# PostgreSQL connections seen. Results: docs/BENCHMARKS.md.
#
#   bash bench/hosted.sh                       # starts a throwaway server (.ci/postgres)
#   CANDIDATES=200 SECONDS_RUN=10 bash bench/hosted.sh
#   DEBRIEF_BENCH_DATABASE_URL=postgres://OWNER:PW@HOST:PORT/DB bash bench/hosted.sh
#
# With DEBRIEF_BENCH_DATABASE_URL, DB must be a database the owner may
# drop and create again (its contents are lost), and a login role
# debrief_app (password debrief_app, owning nothing) must exist, as
# .ci/postgres makes it. Needs psql; the load driver is debrief-bench.
set -euo pipefail
cd "$(dirname "$0")/.."
CANDIDATES="${CANDIDATES:-1000}"
COACHES="${COACHES:-50}"
APPS="${APPS:-30}"
CLIENTS="${CLIENTS:-64}"
SECONDS_RUN="${SECONDS_RUN:-30}"
PORT="${PORT:-7979}"
NOW=2026-11-22T09:00:00-06:00

cargo build --release -q -p debrief -p debrief-bench
bin=target/release
work="$(mktemp -d)"
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

if [ -z "${DEBRIEF_BENCH_DATABASE_URL:-}" ]; then
  base="$(DEBRIEF_PG_PORT="${DEBRIEF_PG_PORT:-54339}" .ci/postgres)"
  DEBRIEF_BENCH_DATABASE_URL="${base%/*}/debrief_hosted_bench"
fi
owner="$DEBRIEF_BENCH_DATABASE_URL"
db="${owner##*/}"
admin="${owner%/*}/postgres"
psql -q "$admin" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
hostport="${owner#*@}"; hostport="${hostport%%/*}"
app="postgres://debrief_app:debrief_app@$hostport/$db"

echo "== setup: $CANDIDATES candidates x $APPS applications, $COACHES coaches"
"$bin/debrief" admin migrate --database "$owner" --grant-to debrief_app >/dev/null
"$bin/debrief-bench" hosted-setup --database "$owner" --candidates "$CANDIDATES" \
  --coaches "$COACHES" --apps "$APPS" --now "$NOW" "$work/seats" 2>/dev/null
"$bin/debrief-bench" generate --apps 1 --interviews-per-app 2 --touches-per-app 2 \
  --seed 999 --now "$NOW" "$work/one.json" >/dev/null

DEBRIEF_DATABASE_URL="$app" "$bin/debrief" serve --addr "127.0.0.1:$PORT" --now "$NOW" \
  >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 100); do
  curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
  sleep 0.1
done

echo "== warm-up (5 s), then $SECONDS_RUN s with $CLIENTS clients (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
"$bin/debrief-bench" hosted-load --url "http://127.0.0.1:$PORT" --clients "$CLIENTS" \
  --seconds 5 --import "$work/one.json" "$work/seats" >/dev/null
(
  most=0
  while kill -0 "$server" 2>/dev/null; do
    n="$(psql -tA "$owner" -c "SELECT count(*) FROM pg_stat_activity WHERE datname = '$db' AND usename = 'debrief_app'" 2>/dev/null || echo 0)"
    [ "$n" -gt "$most" ] && most="$n" && echo "$most" >"$work/connections"
    sleep 1
  done
) &
sampler=$!
# CPU time (user + system, in clock ticks) of the server and of the
# database's backends, before and after the run: what a request costs each.
ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
backends() {
  t=0
  for p in $(pgrep -f "postgres: .*$db" || true); do t=$((t + $(ticks "$p"))); done
  echo "$t"
}
server0="$(ticks "$server")"; pg0="$(backends)"
"$bin/debrief-bench" hosted-load --url "http://127.0.0.1:$PORT" --clients "$CLIENTS" \
  --seconds "$SECONDS_RUN" --import "$work/one.json" "$work/seats"
server1="$(ticks "$server")"; pg1="$(backends)"
hz="$(getconf CLK_TCK)"
echo "CPU during the run: server $(( (server1 - server0) * 1000 / hz )) ms, PostgreSQL backends $(( (pg1 - pg0) * 1000 / hz )) ms"
kill "$sampler" 2>/dev/null || true
rss="$(awk '/VmHWM/ {print $2}' "/proc/$server/status")"
echo "server peak RSS: $((rss / 1024)) MB; most PostgreSQL connections of the server: $(cat "$work/connections" 2>/dev/null || echo '?')"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
