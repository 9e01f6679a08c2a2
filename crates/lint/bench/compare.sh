#!/usr/bin/env bash
# The lint benchmark (docs/BENCHMARKS.md, "Lint"): `debrief lint` against
# proselint (PyPI), write-good and alex (npm) on the same labelled corpus,
# in one run.
#
#   bash crates/lint/bench/compare.sh        (from anywhere in the checkout)
#
# Measures, for every tool that installs:
#   (a) whole process, whole corpus: one command over the 76 corpus notes,
#       as a user would type it (hyperfine, page cache warm);
#   (b) whole process, one note: a cold `debrief lint` of one note, without
#       and with store context (the peers' single-note times for reference);
#   (c) in process: notes per second, the linter called in a loop (our
#       speed example; the peers' own APIs from Python and Node);
#   (d) what each tool flags: per note, does it report anything? Recall on
#       the notes labelled bad, and how many notes labelled good it leaves
#       clean.
#   (e) the same on the 201 real notes of tests/real/ (both splits), and
#       debrief's per-rule counts there.
# A benchmark, not a test: .ci/run does not run it, and nothing in
# `cargo test` needs the peers.
# then prints a summary with PASS/FAIL against the issue's targets.
#
# Needs cargo, python3 (venv) and npm. hyperfine and jq are installed with
# apt-get when missing. A peer that fails to install is SKIPPED, loudly.
# Knobs (environment): RUNS=20 PEER_RUNS=10 WARMUP=3
#   PEERS=DIR   reuse (or keep) the peers' installs in DIR
#   OUT=DIR     results (default /tmp/debrief-lint-bench)
#   PROSELINT=0.16.0 WRITE_GOOD=1.0.8 ALEX=11.0.1   versions installed
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cd "$ROOT"

RUNS="${RUNS:-20}"
PEER_RUNS="${PEER_RUNS:-10}"
WARMUP="${WARMUP:-3}"
OUT="${OUT:-${TMPDIR:-/tmp}/debrief-lint-bench}"
PROSELINT_VERSION="${PROSELINT:-0.16.0}"
WRITE_GOOD_VERSION="${WRITE_GOOD:-1.0.8}"
ALEX_VERSION="${ALEX:-11.0.1}"
NOW="2026-11-22T09:00:00Z"

# Targets from the issue.
TARGET_COLD_MS=10
TARGET_NOTES_PER_S=10000
TARGET_RATIO=20

say() { printf '\n== %s\n' "$*"; }
loud() {
  printf '\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n' >&2
  printf '!!! %s\n' "$@" >&2
  printf '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n' >&2
}

TMP="$(mktemp -d "${TMPDIR:-/tmp}/debrief-lint-bench.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$OUT"
if [[ -n "${PEERS:-}" ]]; then mkdir -p "$PEERS"; else PEERS="$TMP/peers"; mkdir -p "$PEERS"; fi
PEERS="$(cd "$PEERS" && pwd)"

# --- tools ---------------------------------------------------------------------
need=()
command -v hyperfine >/dev/null || need+=(hyperfine)
command -v jq >/dev/null || need+=(jq)
if ((${#need[@]})); then
  say "installing ${need[*]}"
  sudo_=""; [[ $(id -u) -eq 0 ]] || sudo_="sudo"
  $sudo_ apt-get install -y "${need[@]}" || true
fi
for t in hyperfine jq; do
  command -v "$t" >/dev/null || { loud "$t is missing and could not be installed; it is required"; exit 2; }
done

# --- machine -------------------------------------------------------------------
{
  echo "date:    $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  if git -C "$ROOT" rev-parse --short HEAD >/dev/null 2>&1; then
    echo "commit:  $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD -- crates || echo ' (with local changes under crates/)')"
  fi
  echo "cpu:     $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//') ($(nproc) cores available)"
  echo "memory:  $(awk '/MemTotal/ {printf "%.1f GB", $2/1048576}' /proc/meminfo)"
  echo "kernel:  $(uname -sr)"
  echo "rustc:   $(rustc --version)"
  echo "python:  $(python3 --version 2>&1)"
  echo "node:    $(node --version 2>/dev/null || echo none)"
  echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min, at start)"
} | tee "$OUT/machine.txt"

# --- build ---------------------------------------------------------------------
say "building (release)"
cargo build --release -p debrief
cargo build --release -p debrief-lint --example bench
TARGET_DIR="$(cargo metadata --format-version 1 --no-deps 2>/dev/null | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
TARGET_DIR="${TARGET_DIR:-$ROOT/target}"
DEBRIEF="$TARGET_DIR/release/debrief"
SPEED="$TARGET_DIR/release/examples/bench"

# --- corpus --------------------------------------------------------------------
# The same files for every tool: each note's body, front matter removed.
CORPUS="$TMP/corpus"
mkdir -p "$CORPUS"
for f in crates/lint/tests/corpus/*.note; do
  awk 'seen >= 2 { print } /^\+\+\+$/ && seen < 2 { seen++ }' "$f" >"$CORPUS/$(basename "$f" .note).md"
done
FILES=("$CORPUS"/*.md)
NOTES=${#FILES[@]}
ONE="$CORPUS/good-marie.md"
say "corpus: $NOTES notes, $(cat "${FILES[@]}" | wc -w | tr -d ' ') words, $(cat "${FILES[@]}" | wc -c | tr -d ' ') bytes"

# --- peers ---------------------------------------------------------------------
say "installing peers into $PEERS"
HAVE_PROSELINT=0; HAVE_WRITE_GOOD=0; HAVE_ALEX=0
if [[ -x "$PEERS/venv/bin/proselint" ]] ||
   { python3 -m venv "$PEERS/venv" &&
     "$PEERS/venv/bin/pip" install --quiet --disable-pip-version-check "proselint==$PROSELINT_VERSION"; }; then
  HAVE_PROSELINT=1
else
  loud "SKIPPED: proselint — \`pip install proselint==$PROSELINT_VERSION\` into a venv failed." \
       "Check python3-venv and access to PyPI, then re-run."
fi
if command -v npm >/dev/null; then
  mkdir -p "$PEERS/npm"
  for pkg in "write-good@$WRITE_GOOD_VERSION" "alex@$ALEX_VERSION"; do
    name="${pkg%@*}"
    if [[ -e "$PEERS/npm/node_modules/.bin/$name" ]] ||
       npm install --prefix "$PEERS/npm" --no-audit --no-fund --silent "$pkg" >/dev/null; then
      [[ $name == write-good ]] && HAVE_WRITE_GOOD=1
      [[ $name == alex ]] && HAVE_ALEX=1
    else
      loud "SKIPPED: $name — \`npm install $pkg\` failed. Check access to the npm registry, then re-run."
    fi
  done
else
  loud "SKIPPED: write-good and alex — npm (Node.js) not found. Install Node.js 18+ and re-run."
fi
PROSELINT="$PEERS/venv/bin/proselint"
WRITE_GOOD="$PEERS/npm/node_modules/.bin/write-good"
ALEX="$PEERS/npm/node_modules/.bin/alex"
((HAVE_PROSELINT)) && echo "proselint $("$PEERS/venv/bin/pip" show proselint 2>/dev/null | sed -n 's/^Version: //p')"
((HAVE_WRITE_GOOD)) && echo "write-good $(node -p "require('$PEERS/npm/node_modules/write-good/package.json').version")"
((HAVE_ALEX)) && echo "alex $(node -p "require('$PEERS/npm/node_modules/alex/package.json').version")"

# Every tool is run as a user would run it on a folder of notes; non-zero
# exits (findings) are expected, hence -i. debrief gets --db pointing at a
# file that does not exist: context-free linting opens no store, and no
# rules.toml of yours is picked up.
NODB="$TMP/no-store/debrief.db"
declare -A CMD_CORPUS=(
  [debrief]="$DEBRIEF --db $NODB lint ${FILES[*]}"
  [proselint]="$PROSELINT check ${FILES[*]}"
  [write-good]="$WRITE_GOOD ${FILES[*]}"
  [alex]="$ALEX ${FILES[*]}"
)
declare -A CMD_ONE=(
  [debrief]="$DEBRIEF --db $NODB lint $ONE"
  [proselint]="$PROSELINT check $ONE"
  [write-good]="$WRITE_GOOD $ONE"
  [alex]="$ALEX $ONE"
)
TOOLS=(debrief)
((HAVE_PROSELINT)) && TOOLS+=(proselint)
((HAVE_WRITE_GOOD)) && TOOLS+=(write-good)
((HAVE_ALEX)) && TOOLS+=(alex)
PEER_TOOLS=("${TOOLS[@]:1}")

# "median min max" in ms from a hyperfine JSON export.
hf_stats() {
  jq -r '.results[0] | "\(.median*1000) \(.min*1000) \(.max*1000)"' "$1" |
    awk '{printf "%.1f %.1f %.1f\n", $1, $2, $3}'
}

# --- (a) whole corpus, whole process --------------------------------------------
say "(a) whole corpus ($NOTES notes), whole process"
declare -A CORPUS_MED CORPUS_MIN CORPUS_MAX
for t in "${TOOLS[@]}"; do
  runs=$RUNS; [[ $t == debrief ]] || runs=$PEER_RUNS
  hyperfine -N -i --warmup "$WARMUP" --runs "$runs" --command-name "$t" \
    --export-json "$OUT/corpus-$t.json" "${CMD_CORPUS[$t]}" | grep -E 'Time|Range' || true
  read -r CORPUS_MED[$t] CORPUS_MIN[$t] CORPUS_MAX[$t] < <(hf_stats "$OUT/corpus-$t.json")
done

# --- (b) one note, cold process ----------------------------------------------------
say "(b) one note, whole cold process"
declare -A ONE_MED ONE_MIN ONE_MAX
for t in "${TOOLS[@]}"; do
  runs=$RUNS; [[ $t == debrief ]] || runs=$PEER_RUNS
  hyperfine -N -i --warmup "$WARMUP" --runs "$runs" --command-name "$t" \
    --export-json "$OUT/one-$t.json" "${CMD_ONE[$t]}" | grep -E 'Time|Range' || true
  read -r ONE_MED[$t] ONE_MIN[$t] ONE_MAX[$t] < <(hf_stats "$OUT/one-$t.json")
done
# With store context: the demo store, a draft to Marie, checked against what
# the store knows (SQLite opened, the application read, every rule run).
STORE="$TMP/store/debrief.db"
mkdir -p "$(dirname "$STORE")"
"$DEBRIEF" --db "$STORE" --now "$NOW" demo >/dev/null
"$DEBRIEF" --db "$STORE" --now "$NOW" draft --app demo-northwind --to marie -o "$TMP/marie.md" >/dev/null
CTX_CMD="$DEBRIEF --db $STORE --now $NOW lint --app demo-northwind --to marie --kind thank-you $TMP/marie.md"
$CTX_CMD >/dev/null || { loud "the draft does not lint clean:"; $CTX_CMD || true; }
hyperfine -N --warmup "$WARMUP" --runs "$RUNS" --command-name "debrief (store context)" \
  --export-json "$OUT/one-debrief-context.json" "$CTX_CMD" | grep -E 'Time|Range' || true
read -r CTX_MED CTX_MIN CTX_MAX < <(hf_stats "$OUT/one-debrief-context.json")

# --- (c) in process ------------------------------------------------------------------
say "(c) in process, notes per second"
"$SPEED" | tee "$OUT/inprocess-debrief.txt"
line=$(grep '^# lint' "$OUT/inprocess-debrief.txt")
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$line"; }
RATE_CTX=$(field context_notes_per_s)
RATE_PLAIN=$(field plain_notes_per_s)
declare -A RATE
: >"$OUT/flags-peers.txt"
if ((HAVE_PROSELINT)); then
  cat >"$TMP/proselint_inproc.py" <<'PY'
# proselint's own API, as its command line uses it: median of 7 passes.
import pathlib, sys, time
from proselint.checks import __register__
from proselint.config import DEFAULT
from proselint.registry import CheckRegistry
from proselint.tools import LintFile
CheckRegistry().register_many(__register__)
paths = sorted(pathlib.Path(sys.argv[1]).glob("*.md"))
notes = [p.read_text() for p in paths]
lint = lambda n: LintFile("<note>", n).lint(DEFAULT) if n else []  # it reads the path when empty
for p, n in zip(paths, notes):
    print(f"FLAG proselint {p.stem} {len(lint(n))}")
rates = []
for _ in range(7):
    t0 = time.perf_counter()
    for n in notes:
        lint(n)
    rates.append(len(notes) / (time.perf_counter() - t0))
rates.sort()
print(f"RATE proselint {rates[3]:.0f} {rates[6]:.0f}")
PY
  "$PEERS/venv/bin/python" "$TMP/proselint_inproc.py" "$CORPUS" >"$TMP/proselint.out"
  grep '^FLAG' "$TMP/proselint.out" >>"$OUT/flags-peers.txt"
  RATE[proselint]=$(awk '/^RATE/ {print $3}' "$TMP/proselint.out")
  echo "proselint:  median ${RATE[proselint]} notes/s"
fi
if ((HAVE_WRITE_GOOD || HAVE_ALEX)); then
  # Inside the npm prefix, so that `import` finds the packages.
  cat >"$PEERS/npm/inproc.mjs" <<'JS'
// write-good and alex through their own APIs: median of 7 batches.
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const [dir, ...tools] = process.argv.slice(2);
const names = readdirSync(dir).filter((f) => f.endsWith('.md')).sort();
const notes = names.map((f) => readFileSync(`${dir}/${f}`, 'utf8'));
const linters = {};
if (tools.includes('write-good')) linters['write-good'] = [require('write-good'), 4];
// The CLI reads .md files as Markdown; so does this.
if (tools.includes('alex')) linters.alex = [(await import('alex')).markdown, 1];
for (const [tool, [lint, passes]] of Object.entries(linters)) {
  names.forEach((n, i) => {
    const found = lint(notes[i]); // write-good: an array; alex: a VFile with messages
    console.log(`FLAG ${tool} ${n.replace(/\.md$/, '')} ${(found.messages ?? found).length}`);
  });
  const rates = [];
  for (let b = 0; b < 7; b++) {
    const t0 = process.hrtime.bigint();
    for (let p = 0; p < passes; p++) for (const n of notes) lint(n);
    rates.push((passes * notes.length) / (Number(process.hrtime.bigint() - t0) / 1e9));
  }
  rates.sort((a, b) => a - b);
  console.log(`RATE ${tool} ${Math.round(rates[3])} ${Math.round(rates[6])}`);
}
JS
  node_tools=()
  ((HAVE_WRITE_GOOD)) && node_tools+=(write-good)
  ((HAVE_ALEX)) && node_tools+=(alex)
  node "$PEERS/npm/inproc.mjs" "$CORPUS" "${node_tools[@]}" >"$TMP/node.out"
  grep '^FLAG' "$TMP/node.out" >>"$OUT/flags-peers.txt"
  for t in "${node_tools[@]}"; do
    RATE[$t]=$(awk -v t="$t" '$1 == "RATE" && $2 == t {print $3}' "$TMP/node.out")
    echo "$t:  median ${RATE[$t]} notes/s"
  done
fi

# --- (d) what each tool flags ------------------------------------------------------------
say "(d) notes flagged (anything reported), against the corpus labels"
"$SPEED" --flagged >"$OUT/flags-debrief.tsv"
# label: bad when the note is labelled with any rule.
awk -F'\t' '{ print $1, ($2 == "" ? "good" : "bad") }' "$OUT/flags-debrief.tsv" >"$TMP/labels"
{
  awk -F'\t' '{ print "FLAG debrief-context", $1, ($3 == "" ? 0 : 1) }' "$OUT/flags-debrief.tsv"
  awk -F'\t' '{ print "FLAG debrief", $1, ($4 == "" ? 0 : 1) }' "$OUT/flags-debrief.tsv"
  cat "$OUT/flags-peers.txt"
} >"$OUT/flags.txt"
BAD=$(grep -c ' bad$' "$TMP/labels")
GOOD=$(grep -c ' good$' "$TMP/labels")
declare -A CAUGHT CLEAN
for t in debrief-context "${TOOLS[@]}"; do
  read -r CAUGHT[$t] CLEAN[$t] < <(awk -v t="$t" '
    NR == FNR { label[$1] = $2; next }
    $1 == "FLAG" && $2 == t { if (label[$3] == "bad" && $4 > 0) c++; if (label[$3] == "good" && $4 == 0) k++ }
    END { print c + 0, k + 0 }' "$TMP/labels" "$OUT/flags.txt")
done

# --- (e) the real notes ----------------------------------------------------------------
# The 201 real notes of tests/real/ (both splits), the same words for every
# tool: debrief checks each as tests/real.rs does (its kind, an application
# at its company); a note counts as flagged by debrief on a warning or an
# error (an info such as missing-fit does not), by a peer on anything.
say "(e) the real-notes corpus (tests/real/), what each tool flags"
REAL="$TMP/real"
"$SPEED" --real "$REAL" >"$OUT/flags-real-debrief.tsv"
{
  awk -F'\t' '{ print "FLAG debrief", $1, ($5 == "" ? 0 : 1) }' "$OUT/flags-real-debrief.tsv"
  if ((HAVE_PROSELINT)); then
    "$PEERS/venv/bin/python" "$TMP/proselint_inproc.py" "$REAL" | grep '^FLAG'
  fi
  if ((HAVE_WRITE_GOOD || HAVE_ALEX)); then
    node "$PEERS/npm/inproc.mjs" "$REAL" "${node_tools[@]}" | grep '^FLAG'
  fi
} >"$OUT/flags-real.txt"
awk -F'\t' '{ print $1, ($3 == "" ? "good" : "bad") }' "$OUT/flags-real-debrief.tsv" >"$TMP/real-labels"
REAL_BAD=$(grep -c ' bad$' "$TMP/real-labels")
REAL_GOOD=$(grep -c ' good$' "$TMP/real-labels")
declare -A REAL_CAUGHT REAL_CLEAN
for t in "${TOOLS[@]}"; do
  read -r REAL_CAUGHT[$t] REAL_CLEAN[$t] < <(awk -v t="$t" '
    NR == FNR { label[$1] = $2; next }
    $1 == "FLAG" && $2 == t { if (label[$3] == "bad" && $4 > 0) c++; if (label[$3] == "good" && $4 == 0) k++ }
    END { print c + 0, k + 0 }' "$TMP/real-labels" "$OUT/flags-real.txt")
done
# Per rule, debrief only (the peers have no rule that names these problems):
# labelled, found of those, and clean notes the rule warned on.
awk -F'\t' '
  { n = split($3, want, ","); m = split($4, got, ",")
    delete g; for (j = 1; j <= m; j++) if (got[j] != "") g[got[j]] = 1
    for (j = 1; j <= n; j++) if (want[j] != "") { lab[want[j]]++; if (want[j] in g) tp[want[j]]++ }
    m = split($5, loud, ","); if ($3 == "") for (j = 1; j <= m; j++) if (loud[j] != "") fp[loud[j]]++ }
  END { for (r in lab) printf "| `%s` | %d | %d | %d |\n", r, lab[r], tp[r] + 0, fp[r] + 0 }' \
  "$OUT/flags-real-debrief.tsv" | sort >"$OUT/real-per-rule.md"

# --- summary ---------------------------------------------------------------------------
verdict() { awk -v v="$1" -v t="$2" -v op="$3" 'BEGIN { ok = (op == "<") ? (v < t) : (v >= t); print ok ? "PASS" : "FAIL" }'; }
FASTEST=""; FASTEST_MS=""
for t in "${PEER_TOOLS[@]}"; do
  if [[ -z "$FASTEST" ]] || awk -v a="${CORPUS_MED[$t]}" -v b="$FASTEST_MS" 'BEGIN { exit !(a < b) }'; then
    FASTEST=$t; FASTEST_MS=${CORPUS_MED[$t]}
  fi
done
FASTEST_IN=""; FASTEST_RATE=""
for t in "${PEER_TOOLS[@]}"; do
  if [[ -z "$FASTEST_IN" ]] || awk -v a="${RATE[$t]}" -v b="$FASTEST_RATE" 'BEGIN { exit !(a > b) }'; then
    FASTEST_IN=$t; FASTEST_RATE=${RATE[$t]}
  fi
done
pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%d/%d (%.0f %%)", a, b, 100 * a / b }'; }
say "summary"
{
  echo "corpus: $NOTES notes ($BAD labelled with at least one rule, $GOOD labelled clean)"
  echo
  echo "| tool | whole corpus, one process (median) | one note, cold (median) | in process (median) | bad notes flagged | good notes left clean |"
  echo "|---|---:|---:|---:|---:|---:|"
  printf '| debrief, with store context | – | %s ms | %s notes/s | %s | %s |\n' \
    "$CTX_MED" "$RATE_CTX" "$(pct "${CAUGHT[debrief-context]}" "$BAD")" "$(pct "${CLEAN[debrief-context]}" "$GOOD")"
  printf '| debrief, no context | %s ms | %s ms | %s notes/s | %s | %s |\n' \
    "${CORPUS_MED[debrief]}" "${ONE_MED[debrief]}" "$RATE_PLAIN" "$(pct "${CAUGHT[debrief]}" "$BAD")" "$(pct "${CLEAN[debrief]}" "$GOOD")"
  for t in "${PEER_TOOLS[@]}"; do
    printf '| %s | %s ms | %s ms | %s notes/s | %s | %s |\n' \
      "$t" "${CORPUS_MED[$t]}" "${ONE_MED[$t]}" "${RATE[$t]:-–}" "$(pct "${CAUGHT[$t]}" "$BAD")" "$(pct "${CLEAN[$t]}" "$GOOD")"
  done
  echo
  echo "| target | measured | result |"
  echo "|---|---:|---|"
  printf '| one note, cold process, no context < %s ms | %s ms (min %s, max %s) | %s |\n' \
    "$TARGET_COLD_MS" "${ONE_MED[debrief]}" "${ONE_MIN[debrief]}" "${ONE_MAX[debrief]}" "$(verdict "${ONE_MED[debrief]}" $TARGET_COLD_MS '<')"
  printf '| one note, cold process, store context < %s ms | %s ms (min %s, max %s) | %s |\n' \
    "$TARGET_COLD_MS" "$CTX_MED" "$CTX_MIN" "$CTX_MAX" "$(verdict "$CTX_MED" $TARGET_COLD_MS '<')"
  printf '| in process, with store context >= %s notes/s | %s notes/s | %s |\n' \
    "$TARGET_NOTES_PER_S" "$RATE_CTX" "$(verdict "$RATE_CTX" $TARGET_NOTES_PER_S '>=')"
  if [[ -n "$FASTEST" ]]; then
    RATIO=$(awk -v p="$FASTEST_MS" -v d="${CORPUS_MED[debrief]}" 'BEGIN { printf "%.1f", p / d }')
    printf '| whole corpus >= %s× faster than the fastest peer (%s, %s ms) | %s× (%s ms) | %s |\n' \
      "$TARGET_RATIO" "$FASTEST" "$FASTEST_MS" "$RATIO" "${CORPUS_MED[debrief]}" "$(verdict "$RATIO" $TARGET_RATIO '>=')"
    IN_CTX=$(awk -v p="$FASTEST_RATE" -v d="$RATE_CTX" 'BEGIN { printf "%.1f", d / p }')
    IN_PLAIN=$(awk -v p="$FASTEST_RATE" -v d="$RATE_PLAIN" 'BEGIN { printf "%.1f", d / p }')
    printf '| (for reference) in process vs the fastest peer there (%s, %s notes/s) | %s× with context, %s× without | – |\n' \
      "$FASTEST_IN" "$FASTEST_RATE" "$IN_CTX" "$IN_PLAIN"
  else
    echo "| whole corpus >= ${TARGET_RATIO}× faster than the fastest peer | no peer installed | SKIPPED |"
  fi
  echo
  echo "real notes (tests/real/, both splits): $((REAL_BAD + REAL_GOOD)) notes ($REAL_BAD labelled with a rule, $REAL_GOOD clean)"
  echo
  echo "| tool | labelled notes flagged | clean notes left clean |"
  echo "|---|---:|---:|"
  for t in "${TOOLS[@]}"; do
    printf '| %s | %s | %s |\n' "$t" "$(pct "${REAL_CAUGHT[$t]}" "$REAL_BAD")" "$(pct "${REAL_CLEAN[$t]}" "$REAL_GOOD")"
  done
  echo
  echo "debrief per rule on the real notes (both splits):"
  echo
  echo "| rule | labelled | found | clean notes warned |"
  echo "|---|---:|---:|---:|"
  cat "$OUT/real-per-rule.md"
  echo
  echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min; a busy machine inflates every number)"
} | tee "$OUT/summary.md"
echo
echo "results in $OUT (hyperfine exports, flags.txt per tool and note, summary.md)"
