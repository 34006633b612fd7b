#!/usr/bin/env bash
# SVG rendering: codeatlas (go-graphviz WASM in a worker) against native
# Graphviz `dot` on the same DOT, for the overview and an ego view of every
# project of the bundled notes. Cold: each codeatlas run is a new process.
# Usage: bench/render.sh
set -euo pipefail
cd "$(dirname "$0")/.."
command -v dot >/dev/null || { echo "needs Graphviz's dot (apt-get install graphviz)"; exit 1; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
go build -o "$work/codeatlas" ./cmd/codeatlas
views=("--view overview" "--view ego --focus p/etcd --depth 2" "--view project --focus p/consul" "--view concept --focus c/raft")
for v in "${views[@]}"; do
  # shellcheck disable=SC2086
  "$work/codeatlas" export $v --format dot > "$work/view.dot"
  layout=$(grep -o 'layout="[a-z]*"' "$work/view.dot" | head -1 | cut -d'"' -f2)
  nodes=$(grep -c '\[id=' "$work/view.dot")
  edges=$(grep -c ' -> ' "$work/view.dot")
  t0=$(date +%s.%N); "$work/codeatlas" export $v --format svg > "$work/a.svg"; t1=$(date +%s.%N)
  dot -K"$layout" -Tsvg "$work/view.dot" > "$work/b.svg"; t2=$(date +%s.%N)
  printf '%-45s %-5s %4d nodes %4d edges  codeatlas %5.2f s   native dot %5.2f s\n' "$v" "$layout" "$nodes" "$edges" \
    "$(echo "$t1 - $t0" | bc)" "$(echo "$t2 - $t1" | bc)"
done
