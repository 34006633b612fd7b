#!/usr/bin/env bash
# Map rendering against native Graphviz, the two map rows of issue 15:
#  1. cold map page: /map?focus=C&depth=2 for each concept, one after another,
#     on a fresh server, against `dot -Tsvg` on the same view's DOT (/map.dot);
#  2. storm: every node at depth 1, 2, 3 as /map.svg, all uncached, 32
#     concurrent clients, against native dot on the same DOTs, one process per
#     core; with the peak RSS of the server and its worker processes.
# Each engine's runs are interleaved with the native runs so load from other
# processes on the machine hits both; `uptime` is printed with each.
# Servers run with --no-cache: every render is cold.
# Usage: bench/maps.sh [ENGINE...]   (default: wasm native; needs dot, jq, curl)
set -euo pipefail
cd "$(dirname "$0")/.."
for t in dot jq curl; do command -v $t >/dev/null || { echo "needs $t"; exit 1; }; done
engines=("${@:-wasm}"); [ $# -eq 0 ] && engines=(wasm native)
work=$(mktemp -d); pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
go build -o "$work/codeatlas" ./cmd/codeatlas
go build -o "$work/mapload" ./bench/mapload
port=18097; base=http://127.0.0.1:$port
start() { # engine
  "$work/codeatlas" serve --no-cache --engine "$1" --addr 127.0.0.1:$port > "$work/serve.log" 2>&1 &
  pid=$!
  until curl -sf -o /dev/null "$base/healthz"; do sleep 0.05; done
}
stop() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=; }
# peak RSS (KB) of the server and all its descendants, sampled every second
# (on 2 cores, in separate runs of 2026-12-05: 9.6 maps/s with a 50 ms sampler,
# its ps/awk processes competing with dot; 12.8 with 0.25 s; 13.0 with 1 s; 15.5
# with none, by hand; native dot's own row varied 12.7-14.7 over those runs).
# The server's own peak (VmHWM) is exact.
rsswatch() {
  local peak=0
  echo 0 > "$work/rsspeak"
  while kill -0 "$pid" 2>/dev/null && [ ! -e "$work/stoprss" ]; do
    local pids sum
    pids=$(ps -o pid= --ppid "$pid" 2>/dev/null | tr '\n' ' ' || true)
    sum=$(ps -o rss= -p "$(echo $pid $pids | tr ' ' ',')" 2>/dev/null | awk '{s+=$1} END {print s+0}' || true)
    [ "$sum" -gt "$peak" ] && peak=$sum
    echo "$peak" > "$work/rsspeak"
    sleep 1
  done
}
pcts() { sort -n | awk '{a[NR]=$1} END {printf "p50 %d ms p90 %d ms p99 %d ms", a[int((NR*50+99)/100)], a[int((NR*90+99)/100)], a[int((NR*99+99)/100)]}'; }

# URL lists and the DOTs, fetched from a throwaway server (DOT is not cached
# by the renderer, so this warms nothing).
start wasm
curl -sf "$base/graph.json" > "$work/graph.json"
jq -r '.nodes[] | select(.kind=="concept") | .id | @uri' "$work/graph.json" > "$work/concepts"
jq -r '.nodes[].id | @uri' "$work/graph.json" > "$work/nodes"
: > "$work/page.urls"; : > "$work/storm.urls"; mkdir -p "$work/pdot" "$work/sdot"
i=0; while read -r c; do
  i=$((i+1)); echo "$base/map?focus=$c&depth=2" >> "$work/page.urls"
  # The page draws no legend; /map.dot, a download, does: drop it.
  curl -sf "$base/map.dot?focus=$c&depth=2" | awk '/^  subgraph "cluster_legend" \{/ {skip=1} !skip {print} skip && /^  \}$/ {skip=0}' > "$work/pdot/$i.dot"
done < "$work/concepts"
i=0; while read -r n; do for d in 1 2 3; do
  i=$((i+1)); echo "$base/map.svg?focus=$n&depth=$d" >> "$work/storm.urls"
  curl -sf "$base/map.dot?focus=$n&depth=$d" > "$work/sdot/$i.dot"
done; done < "$work/nodes"
stop
echo "$(wc -l < "$work/page.urls") concept pages, $(wc -l < "$work/storm.urls") storm maps; dot: $(dot -V 2>&1)"

native_pages() {
  for f in "$work"/pdot/*.dot; do
    l=$(grep -o 'layout="[a-z]*"' "$f" | head -1 | cut -d'"' -f2)
    t0=$(date +%s%N); dot -K"$l" -Tsvg "$f" > /dev/null; echo $(( ($(date +%s%N) - t0) / 1000000 ))
  done | pcts
}
native_storm() {
  t0=$(date +%s%N)
  find "$work/sdot" -name '*.dot' | xargs -P "$(nproc)" -n 1 sh -c 'l=$(grep -o "layout=\"[a-z]*\"" "$0" | head -1 | cut -d\" -f2); dot -K"$l" -Tsvg "$0" > /dev/null'
  ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  n=$(find "$work/sdot" -name '*.dot' | wc -l)
  awk -v n="$n" -v ms="$ms" 'BEGIN {printf "%d maps in %.2f s: %.1f maps/s", n, ms/1000, n*1000/ms}'
}

for e in "${engines[@]}"; do
  echo "== engine $e"
  echo "  load: $(uptime | sed 's/.*load/load/')"
  start "$e"
  echo "  cold map page, codeatlas: $("$work/mapload" -c 1 "$work/page.urls")"
  stop
  echo "  cold map page, native dot: $(native_pages)"
  echo "  load: $(uptime | sed 's/.*load/load/')"
  start "$e"; rm -f "$work/stoprss"; rsswatch & rw=$!
  echo "  storm, codeatlas: $("$work/mapload" -c 32 "$work/storm.urls")"
  touch "$work/stoprss"; wait "$rw" 2>/dev/null || true
  echo "  storm peak RSS, server + workers (sampled each second): $(( $(cat "$work/rsspeak") / 1024 )) MB; server alone (VmHWM): $(( $(awk '/VmHWM/ {print $2}' /proc/$pid/status) / 1024 )) MB"
  stop
  echo "  storm, native dot x$(nproc): $(native_storm)"
done
