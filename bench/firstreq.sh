#!/usr/bin/env bash
# Start-up: time from starting `codeatlas serve` on the bundled notes to the
# first complete answer of the overview page (/, with its map), and of an
# article, over N fresh starts; prints each run and the median.
# Usage: bench/firstreq.sh [N]   (needs curl)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10}
work=$(mktemp -d); trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
go build -o "$work/codeatlas" ./cmd/codeatlas
port=18095; pid=
now() { date +%s%N; }
first() { # url: ms until the URL answers 200
  local t0=$1 url=$2
  until curl -sf -o /dev/null "$url"; do sleep 0.005; done
  echo $(( ($(now) - t0) / 1000000 ))
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
: > "$work/home"; : > "$work/article"
for i in $(seq "$n"); do
  t0=$(now)
  "$work/codeatlas" serve --addr 127.0.0.1:$port > /dev/null 2>&1 &
  pid=$!
  h=$(first "$t0" "http://127.0.0.1:$port/")
  a=$(first "$t0" "http://127.0.0.1:$port/a/etcd/raft")
  echo "run $i: / after ${h} ms, /a/etcd/raft after ${a} ms"
  echo "$h" >> "$work/home"; echo "$a" >> "$work/article"
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
echo "median over $n starts: / $(median < "$work/home") ms, /a/etcd/raft $(median < "$work/article") ms (both from process start)"
