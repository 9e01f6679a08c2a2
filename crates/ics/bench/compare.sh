#!/usr/bin/env sh
# Times our parser against Python's icalendar on the same 10,000 invites.
#   crates/ics/bench/compare.sh            (from anywhere in the checkout)
# Needs cargo; the Python half needs `pip install icalendar` and is skipped,
# loudly, without it.
set -eu

root=$(cd "$(dirname "$0")/../../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
file="$tmp/invites.ics"

cd "$root"
cargo run --release -q -p debrief-ics --example ics_bench -- --write "$file"
echo "input: 10,000 invites, $(wc -c <"$file" | tr -d ' ') bytes"
cargo run --release -q -p debrief-ics --example ics_bench -- --parse "$file"

if ! python3 -c "import icalendar" 2>/dev/null; then
    echo
    echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
    echo "!!! SKIPPED: Python comparison — python3 with icalendar not found."
    echo "!!! Run \`pip install icalendar\` and re-run this script."
    echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
    exit 0
fi

# Same work as ours: parse, then read each event's start and end as
# instants, its summary and its attendees. Best of 3.
python3 - "$file" <<'PY'
import sys, time
import icalendar
data = open(sys.argv[1], "rb").read()
best, n = None, 0
for _ in range(3):
    t0 = time.perf_counter()
    cal = icalendar.Calendar.from_ical(data)
    n = 0
    for ev in cal.walk("VEVENT"):
        ev.get("DTSTART").dt
        end = ev.get("DTEND")
        if end is not None:
            end.dt
        str(ev.get("SUMMARY"))
        ev.get("ATTENDEE")
        n += 1
    took = time.perf_counter() - t0
    best = took if best is None else min(best, took)
print(f"{'python icalendar ' + icalendar.__version__ + ' (best of 3)':<34} {n:>6} events {best * 1e3:>9.2f} ms {n / best:>12.0f} events/s {len(data) / best / 1e6:>8.1f} MB/s")
PY
