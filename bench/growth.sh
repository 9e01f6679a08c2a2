#!/usr/bin/env bash
# Growth benchmark (docs/BENCHMARKS.md, "Growth: big stores and big
# calendars"): what each command costs as the store and the calendar grow.
#
#  1. stores of 10,000 and 100,000 applications (`debrief-bench generate`,
#     and an all-active one where every application still waits for its
#     thank-yous): import, agenda --json, agenda (human), export, stats;
#     one invite into the store (a cold process, --dry-run so every run
#     does the same work);
#  2. a 20,000-event calendar (bench/calendar.py, 2,000 companies) into a
#     store with a profile and no applications, against Python's icalendar
#     parsing and walking the same file in the same run; and --app into one
#     application with 5,000, 10,000 and 20,000 events (linear or not).
#
# Each measure: wall time (hyperfine, median of RUNS runs, or one run for
# the long ones), CPU time (user + system) and peak memory
# (/usr/bin/time -v, one run).
#
# Usage: bash bench/growth.sh
# Knobs: SIZES="10000 100000" RUNS=5 EVENTS=20000 (EVENTS=0: no calendar)
#   OUT=/tmp/debrief-growth. A 100,000-application store needs about 1.5 GB
#   of free space in $TMPDIR (its JSON and its SQLite file).
# The machine these numbers come from is shared: keep runs short (RUNS=3),
# and read wall times as upper bounds.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

SIZES="${SIZES:-10000 100000}"
RUNS="${RUNS:-5}"
EVENTS="${EVENTS:-20000}"
NOW="2026-11-22T09:00:00-06:00"
OUT="${OUT:-${TMPDIR:-/tmp}/debrief-growth}"

say() { printf '\n== %s\n' "$*"; }
loud() { printf '\n!!!!!!!! %s !!!!!!!!\n' "$*" >&2; }

need=()
[[ -x /usr/bin/time ]] || need+=(time)
command -v hyperfine >/dev/null || need+=(hyperfine)
command -v jq >/dev/null || need+=(jq)
if ((${#need[@]})); then
  sudo_=""
  [[ $(id -u) -eq 0 ]] || sudo_="sudo"
  $sudo_ apt-get install -y "${need[@]}" || loud "could not install ${need[*]}"
fi
[[ -x /usr/bin/time ]] || { loud "/usr/bin/time is missing: no peak memory, stopping"; exit 1; }
command -v hyperfine >/dev/null || { loud "hyperfine is missing, stopping"; exit 1; }
HAVE_ICAL=1
python3 -c 'import icalendar' 2>/dev/null || {
  HAVE_ICAL=0
  loud "Python's icalendar is missing (pip install icalendar): the comparison is SKIPPED"
}

mkdir -p "$OUT"
echo "date: $(date -u +%FT%TZ)  commit: $(git rev-parse --short HEAD 2>/dev/null || echo ?)  cores: $(nproc)  load: $(cut -d' ' -f1-3 /proc/loadavg)"

say "building (release)"
cargo build --release -q -p debrief -p debrief-bench
DEBRIEF="$ROOT/target/release/debrief"
BENCH="$ROOT/target/release/debrief-bench"
TMP="$(mktemp -d "${TMPDIR:-/tmp}/debrief-growth.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

ROWS="$OUT/rows.md"
: >"$ROWS"

# measure LABEL RUNS COMMAND…: median wall time (hyperfine) and peak RSS.
# With RUNS=1 the one /usr/bin/time run gives both.
measure() {
  local label="$1" runs="$2"
  shift 2
  local cmd="$*" ms rss cpu
  if ((runs > 1)); then
    hyperfine -N --warmup 1 --runs "$runs" --export-json "$TMP/h.json" "$cmd" >/dev/null 2>&1 ||
      hyperfine --warmup 1 --runs "$runs" --export-json "$TMP/h.json" "$cmd" >/dev/null
    ms=$(jq -r '.results[0].median * 1000 | floor' "$TMP/h.json")
  fi
  /usr/bin/time -v bash -c "$cmd" >/dev/null 2>"$TMP/t.txt" || true
  rss=$(awk -F: '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$TMP/t.txt")
  # CPU time of the one run: on a shared machine, wall time is mostly
  # waiting for a core.
  cpu=$(awk -F: '/User time|System time/ {s += $2} END {printf "%.2f", s}' "$TMP/t.txt")
  if ((runs <= 1)); then
    ms=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; printf "%.0f", s*1000}' "$TMP/t.txt")
  fi
  printf '| %s | %s ms | %s s | %s MB |\n' "$label" "$ms" "$cpu" "$rss" | tee -a "$ROWS"
}

# --- 1. stores ---------------------------------------------------------------
for n in $SIZES; do
  for kind in generated all-active; do
    say "$n applications ($kind)"
    data="$TMP/$kind-$n.json"
    db="$TMP/$kind-$n.db"
    active=false
    [[ $kind == all-active ]] && active=true
    "$BENCH" generate --apps "$n" --seed 1 --now "$NOW" --all-active "$active" "$data" >/dev/null
    import_runs=3
    ((n > 10000)) && import_runs=1
    measure "$n $kind: import" "$import_runs" \
      "rm -f $db $db-wal $db-shm; $DEBRIEF --db $db import $data"
    measure "$n $kind: agenda --json" "$RUNS" "$DEBRIEF --db $db --now $NOW agenda --json"
    measure "$n $kind: agenda (human)" "$RUNS" "$DEBRIEF --db $db --now $NOW agenda"
    echo "   human agenda: $("$DEBRIEF" --db "$db" --now "$NOW" agenda | wc -l) lines; --all: $("$DEBRIEF" --db "$db" --now "$NOW" agenda --all | wc -l) lines"
    measure "$n $kind: export" "$RUNS" "$DEBRIEF --db $db export -o /dev/null"
    measure "$n $kind: stats" "$RUNS" "$DEBRIEF --db $db --now $NOW stats"
    if [[ $kind == generated ]]; then
      # One invite from a person of an application in the middle.
      email=$(jq -r --argjson i $((n / 2)) '[.applications[$i].people[] | .email // empty][0]' "$data")
      python3 bench/calendar.py 1 "$TMP/one.ics" --invite-from "$email"
      measure "$n: one invite (ics import --dry-run)" "$RUNS" \
        "$DEBRIEF --db $db --now $NOW ics import $TMP/one.ics --dry-run"
    fi
    rm -f "$data" "$db" "$db-wal" "$db-shm"
  done
done

# --- 2. a big calendar -------------------------------------------------------
if ((EVENTS == 0)); then
  cat "$ROWS"
  exit 0
fi
say "$EVENTS-event calendar"
cal="$TMP/calendar.ics"
python3 bench/calendar.py "$EVENTS" "$cal"
echo "   $(wc -c <"$cal") bytes"
empty="$TMP/empty.db"
"$DEBRIEF" --db "$empty" profile --name "Sam Rivera" --timezone America/New_York --email sam@mail.example >/dev/null
measure "calendar $EVENTS events: ics import, no applications" 1 \
  "cp $empty $TMP/run.db; $DEBRIEF --db $TMP/run.db --now $NOW ics import $cal"
if ((HAVE_ICAL)); then
  cat >"$TMP/walk.py" <<'PY'
import sys, icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
n = 0
for ev in cal.walk("VEVENT"):
    ev.get("DTSTART").dt
    end = ev.get("DTEND")
    if end is not None:
        end.dt
    str(ev.get("SUMMARY"))
    ev.get("ATTENDEE")
    ev.get("ORGANIZER")
    n += 1
print(n)
PY
  measure "calendar $EVENTS events: Python icalendar $(python3 -c 'import icalendar; print(icalendar.__version__)') parse + walk" 1 \
    "python3 $TMP/walk.py $cal"
fi
one="$TMP/one-app.db"
cp "$empty" "$one"
"$DEBRIEF" --db "$one" --now "$NOW" app add --id target --company "Target Corp" --role Analyst >/dev/null
for e in $((EVENTS / 4)) $((EVENTS / 2)) "$EVENTS"; do
  python3 bench/calendar.py "$e" "$TMP/app-$e.ics"
  measure "calendar $e events: ics import --app" 1 \
    "cp $one $TMP/run.db; $DEBRIEF --db $TMP/run.db --now $NOW ics import $TMP/app-$e.ics --app target"
done

say "summary (also in $ROWS)"
echo "| measure | wall (median) | CPU (one run) | peak memory |"
echo "|---|---:|---:|---:|"
cat "$ROWS"
