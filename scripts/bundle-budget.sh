#!/usr/bin/env bash
# Prints what the bundle costs: the size of dist/index.js, and the median start-up time of
# `node dist/index.js` (invalid input, so it exits as soon as it has loaded and checked its
# inputs) next to a bare `node -e ''`, over RUNS runs each, from a temporary directory.
#
#   bash scripts/bundle-budget.sh [node binary]   (RUNS=15 by default; BUNDLE=path to measure another build)
#
# It measures and reports; it fails only if the bundle is missing or does not exit 1 as
# the invalid input requires.
set -euo pipefail
node_bin="${1:-node}"
runs="${RUNS:-15}"
repo="$(cd "$(dirname "$0")/.." && pwd)"
bundle="${BUNDLE:-$repo/dist/index.js}"
[ -f "$bundle" ] || { echo "no $bundle: run 'npm run build' first" >&2; exit 1; }
node_path="$(command -v "$node_bin" || true)"
[ -n "$node_path" ] || { echo "no node binary '$node_bin'" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
: >"$work/output"

# Wall time of one run of "$@" in milliseconds (3 decimals), from inside $work.
time_ms() {
  local start end
  start=$(date +%s%N)
  (cd "$work" && "$@" >/dev/null 2>&1) || true
  end=$(date +%s%N)
  awk -v ns="$((end - start))" 'BEGIN { printf "%.3f\n", ns / 1e6 }'
}

median() {
  sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# Both go through the same `env -i`, so the difference is the bundle alone.
bare_run() {
  env -i PATH="$PATH" "$node_path" -e ''
}

bundle_run() {
  env -i PATH="$PATH" INPUT_IDS='not valid' INPUT_TOKEN='budget-token' \
    GITHUB_OUTPUT="$work/output" "$node_path" "$bundle"
}

# The bundle must really fail on the input (exit 1), or the timing measures something else.
set +e
(cd "$work" && bundle_run >"$work/log" 2>&1)
code=$?
set -e
if [ "$code" -ne 1 ]; then
  cat "$work/log" >&2
  echo "dist/index.js exited $code on invalid input, expected 1" >&2
  exit 1
fi

# One warm-up run each, so the first timed run does not pay for a cold disk cache.
time_ms bare_run >/dev/null
time_ms bundle_run >/dev/null

bare=$(for _ in $(seq "$runs"); do time_ms bare_run; done | median)
start=$(for _ in $(seq "$runs"); do time_ms bundle_run; done | median)

bytes=$(wc -c <"$bundle" | tr -d ' ')
echo "node:                 $("$node_path" --version) ($node_path)"
echo "bundle size:          $bytes bytes ($(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1024 }') KiB)"
echo "node -e '' (median of $runs):           ${bare} ms"
echo "node dist/index.js (median of $runs):   ${start} ms (invalid input, exit 1)"
echo "ratio:                $(awk -v a="$start" -v b="$bare" 'BEGIN { printf "%.2f", a / b }')x bare node" \
  "(+$(awk -v a="$start" -v b="$bare" 'BEGIN { printf "%.1f", a - b }') ms)"
