#!/usr/bin/env bash
# `debrief mail scan --mbox FILE --json` on a mailbox of 10,000 messages
# (docs/BENCHMARKS.md). Needs python3 and hyperfine.
set -euo pipefail
cd "$(dirname "$0")/../../.."
N="${N:-10000}"
OUT="${OUT:-/tmp/debrief-mail-bench}"
mkdir -p "$OUT"
cargo build --release --quiet -p debrief
BIN="$PWD/target/release/debrief"
python3 crates/mailbox/tests/corpus/generate.py --bench "$N" "$OUT/big.mbox" >/dev/null
rm -f "$OUT/base.db"
"$BIN" --db "$OUT/base.db" import crates/mailbox/tests/corpus/store.json >/dev/null
# Each run scans a fresh copy of the store: a scan keeps its marks, and the
# next one would read less.
hyperfine --warmup 2 --runs "${RUNS:-10}" \
  --prepare "cp $OUT/base.db $OUT/run.db" \
  --export-markdown "$OUT/scan.md" \
  "$BIN --db $OUT/run.db --now 2026-12-01T12:00:00-06:00 mail scan --mbox $OUT/big.mbox --json > /dev/null"
cp "$OUT/base.db" "$OUT/run.db"
/usr/bin/time -v "$BIN" --db "$OUT/run.db" --now 2026-12-01T12:00:00-06:00 \
  mail scan --mbox "$OUT/big.mbox" --json 2>"$OUT/time.txt" >"$OUT/scan.json"
grep -E "Maximum resident|Elapsed" "$OUT/time.txt"
python3 -c "import json; d=json.load(open('$OUT/scan.json')); print(len(d['proposals']), 'proposals,', d['skipped'], 'skipped')"
