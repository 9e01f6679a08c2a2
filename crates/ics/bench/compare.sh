#!/usr/bin/env sh
# Our calendar parser against Python's icalendar, side by side in one run:
#  1. every shared fixture (../shared/fixtures/ics), one at a time, with
#     what each parser made of it (Python's rejections included);
#  2. 10,000 generated invites (Google, Outlook, Teams, Zoom and all-day
#     shapes) as one file and as 10,000 files.
#
#   crates/ics/bench/compare.sh            (from anywhere in the checkout)
#
# Needs cargo; the Python half needs `pip install icalendar` and is skipped,
# loudly, without it. Knobs: FIXTURES (folder), OUT (folder for the raw
# results; default a temporary one, removed at the end).
set -eu

root=$(cd "$(dirname "$0")/../../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
fixtures=${FIXTURES:-$root/../shared/fixtures/ics}
out=${OUT:-$tmp}
mkdir -p "$out"

cd "$root"
echo "== machine: $(nproc) cores, $(uname -sr), load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
echo "== commit: $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo ' (with local changes)')"
echo "== $(rustc --version)"
cargo build --release -q -p debrief-ics --example ics_bench
bench="$root/target/release/examples/ics_bench"

"$bench" --write "$tmp/invites.ics"
"$bench" --write-dir "$tmp/invites"
echo "== input: 10,000 invites, $(wc -c <"$tmp/invites.ics" | tr -d ' ') bytes in one file; the same as 10,000 files"

have_python=yes
if ! python3 -c "import icalendar" 2>/dev/null; then
    have_python=no
fi
if [ "$have_python" = yes ]; then
    echo "== $(python3 --version), icalendar $(python3 -c 'import icalendar; print(icalendar.__version__)')"
fi

echo
echo "== 10,000 invites"
"$bench" --parse "$tmp/invites.ics" | tee "$out/rust-one.txt"
"$bench" --parse-dir "$tmp/invites" | tee "$out/rust-dir.txt"

# Same work as ours: parse, then read each event's start and end as
# instants, its summary and its attendees. Best of 3.
if [ "$have_python" = yes ]; then
    python3 - "$tmp/invites.ics" "$tmp/invites" <<'PY' | tee "$out/python-10k.txt"
import os, sys, time
import icalendar

def work(data):
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
    return n

def best(f, runs=3):
    b, out = None, None
    for _ in range(runs):
        t0 = time.perf_counter()
        out = f()
        took = time.perf_counter() - t0
        b = took if b is None else min(b, took)
    return b, out

one = open(sys.argv[1], "rb").read()
took, n = best(lambda: work(one))
label = "python icalendar " + icalendar.__version__ + " (best of 3)"
print(f"{label:<34} {n:>6} events {took * 1e3:>9.2f} ms {n / took:>12.0f} events/s {len(one) / took / 1e6:>8.1f} MB/s")
d = sys.argv[2]
files = [open(os.path.join(d, f), "rb").read() for f in sorted(os.listdir(d))]
took, n = best(lambda: sum(work(f) for f in files))
size = sum(len(f) for f in files)
label = f"python icalendar, {len(files)} files (best of 3)"
print(f"{label:<34} {n:>6} events {took * 1e3:>9.2f} ms {n / took:>12.0f} events/s {size / took / 1e6:>8.1f} MB/s")
PY
    ms() { awk '{for (i = 1; i <= NF; i++) if ($(i+1) == "ms") { print $i; exit }}' "$1"; }
    r1=$(ms "$out/rust-one.txt"); rd=$(ms "$out/rust-dir.txt")
    p1=$(sed -n 1p "$out/python-10k.txt" | awk '{for (i = 1; i <= NF; i++) if ($(i+1) == "ms") { print $i; exit }}')
    pd=$(sed -n 2p "$out/python-10k.txt" | awk '{for (i = 1; i <= NF; i++) if ($(i+1) == "ms") { print $i; exit }}')
    echo
    echo "| 10,000 invites | debrief-ics | Python icalendar | speed-up | target ≥ 20× |"
    echo "|---|---:|---:|---:|---|"
    awk -v r="$r1" -v p="$p1" 'BEGIN { s = p / r; printf "| one file | %.1f ms | %.1f ms | %.0f× | %s |\n", r, p, s, (s >= 20 ? "PASS" : "FAIL") }'
    awk -v r="$rd" -v p="$pd" 'BEGIN { s = p / r; printf "| 10,000 files | %.1f ms | %.1f ms | %.0f× | %s |\n", r, p, s, (s >= 20 ? "PASS" : "FAIL") }'
fi

echo
echo "== every fixture, alone (debrief-ics: best of 200; Python: best of 20)"
if [ ! -d "$fixtures" ]; then
    echo "!!! SKIPPED: no fixtures at $fixtures (set FIXTURES=…)"
    exit 0
fi
"$bench" --fixtures "$fixtures" >"$out/rust-fixtures.tsv"
if [ "$have_python" = no ]; then
    echo
    echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
    echo "!!! SKIPPED: the Python half — python3 with icalendar not found."
    echo "!!! Run \`pip install icalendar\` and re-run this script."
    echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
    cat "$out/rust-fixtures.tsv"
    exit 0
fi
python3 - "$fixtures" "$out/rust-fixtures.tsv" <<'PY'
import os, sys, time
import icalendar

folder, rust_tsv = sys.argv[1], sys.argv[2]

def work(data):
    """Parse and read what Debrief reads; any exception is a rejection."""
    cal = icalendar.Calendar.from_ical(data)
    n = 0
    for ev in cal.walk("VEVENT"):
        start = ev.get("DTSTART")
        if start is not None:
            start.dt
        end = ev.get("DTEND")
        if end is not None:
            end.dt
        str(ev.get("SUMMARY"))
        ev.get("ATTENDEE")
        n += 1
    return n, sum(len(getattr(c, "errors", [])) for c in cal.walk())

rust = {}
for line in open(rust_tsv, encoding="utf-8"):
    name, size, events, warnings, us, error = line.rstrip("\n").split("\t")
    rust[name] = (int(size), int(events), int(warnings), float(us), error)

print("| fixture | bytes | debrief-ics: events, warnings | µs | Python icalendar | µs | speed-up |")
print("|---|---:|---|---:|---|---:|---:|")
tr = tp = 0.0
for name in sorted(rust):
    size, events, warnings, us, error = rust[name]
    data = open(os.path.join(folder, name), "rb").read()
    best, outcome = None, None
    for _ in range(20):
        t0 = time.perf_counter()
        try:
            n, errs = work(data)
            outcome = f"{n} event{'s' if n != 1 else ''}" + (f", {errs} property errors kept" if errs else "")
        except Exception as e:
            msg = str(e).replace("|", "/").replace("\n", " ")
            outcome = f"**rejected**: {type(e).__name__}: {msg[:70]}"
        took = (time.perf_counter() - t0) * 1e6
        best = took if best is None else min(best, took)
    ours = f"**not a calendar**: {error}" if error else f"{events} event{'s' if events != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}"
    tr += us
    tp += best
    print(f"| `{name}` | {size} | {ours} | {us:.1f} | {outcome} | {best:.1f} | {best / us:.0f}× |")
print(f"| **all {len(rust)}** | | | **{tr:.1f}** | | **{tp:.1f}** | **{tp / tr:.0f}×** |")
PY
