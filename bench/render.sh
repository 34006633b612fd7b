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
views=("--view overview" "--view ego --focus p/etcd --depth 2" "--view ego --focus c/raft" "--view project --focus p/consul" "--view concept --focus c/raft")
for v in "${views[@]}"; do
  # shellcheck disable=SC2086
  "$work/codeatlas" export $v --format dot > "$work/view.dot"
  layout=$(grep -o 'layout="[a-z]*"' "$work/view.dot" | head -1 | cut -d'"' -f2)
  edges=$(grep -c ' -> ' "$work/view.dot")
  nodes=$(( $(grep -c '\[id=' "$work/view.dot") - edges ))
  size=$(wc -c < "$work/view.dot")
  # export: load the notes, build the view, render through a worker.
  t0=$(date +%s.%N); "$work/codeatlas" export $v --format svg > "$work/a.svg"; t1=$(date +%s.%N)
  # the worker alone: process start, go-graphviz start-up, one layout.
  { printf '%s svg %d\n' "$layout" "$size"; cat "$work/view.dot"; } | "$work/codeatlas" render-worker > "$work/w.out"; t2=$(date +%s.%N)
  dot -K"$layout" -Tsvg "$work/view.dot" > "$work/b.svg"; t3=$(date +%s.%N)
  printf '%-42s %-5s %4d nodes %4d edges  export %5.2f s  worker %5.2f s  native dot %5.2f s\n' "$v" "$layout" "$nodes" "$edges" \
    "$(echo "$t1 - $t0" | bc)" "$(echo "$t2 - $t1" | bc)" "$(echo "$t3 - $t2" | bc)"
done
