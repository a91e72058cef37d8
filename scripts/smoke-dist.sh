#!/usr/bin/env bash
# Runs dist/index.js as the runner would, with invalid input, from outside the repo.
# It must fail cleanly (exit 1, an ::error:: line naming the input, no stack trace),
# which proves the bundle loads and runs on the given node binary.
set -euo pipefail
node_bin="${1:-node}"
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
: >"$work/output"
set +e
(cd "$work" && env -i PATH="$PATH" INPUT_IDS='not valid' INPUT_TOKEN='smoke-token' GITHUB_OUTPUT="$work/output" \
  "$node_bin" "$repo/dist/index.js" >"$work/log" 2>&1)
code=$?
set -e
cat "$work/log"
if [ "$code" -ne 1 ] || ! grep -q "^::error::Input 'ids'" "$work/log" || grep -q '^    at ' "$work/log"; then
  echo "smoke run failed on $("$node_bin" --version): exit $code" >&2
  exit 1
fi
grep -q '^failed-count<<' "$work/output" || { echo "smoke run set no outputs" >&2; exit 1; }
echo "smoke run OK on $("$node_bin" --version)"
