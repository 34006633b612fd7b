#!/usr/bin/env bash
# Soak test of issue 19: CLIENTS clients browse a fresh `codeatlas serve`
# (bundled notes, disk cache off) like people, from / along random same-site
# links (fixed SEED), REQUESTS requests in all, then FRESH maps the walk did
# not draw (bench/soak). Reported: every 5xx, every non-SVG body served as
# SVG, requests/s, and the resident memory of the server and its workers
# (every descendant process: WASM workers, dot) sampled from /proc every
# second.
# Usage: ENGINE=wasm|native bench/soak.sh [BINARY]   (default: build this tree)
set -uo pipefail
cd "$(dirname "$0")/.."
WORK=${WORK:-/tmp/codeatlas-soak}
mkdir -p "$WORK"
bin=${1:-}
if [ -z "$bin" ]; then
  bin=$WORK/codeatlas
  go build -o "$bin" ./cmd/codeatlas || exit 1
fi
go build -o "$WORK/soak" ./bench/soak || exit 1
port=${PORT:-18391}
base=http://127.0.0.1:$port
flags=()
"$bin" serve --help 2>&1 | grep -q -- --no-cache && flags+=(--no-cache)
[ -n "${ENGINE:-}" ] && flags+=(--engine "$ENGINE")

"$bin" serve --addr 127.0.0.1:$port "${flags[@]}" > "$WORK/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; [ -n "${sampler:-}" ] && kill $sampler 2>/dev/null' EXIT
for _ in $(seq 150); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.2; done

# tree PID: PID and every process below it.
tree() {
  local p=$1 c
  echo "$p"
  for c in $(cat /proc/$p/task/*/children 2>/dev/null); do tree "$c"; done
}
# rss: "seconds total_MB server_MB processes" once a second until the server ends.
sample() {
  local t0 now p kb total srv n
  t0=$(date +%s)
  while kill -0 "$pid" 2>/dev/null; do
    total=0; srv=0; n=0
    for p in $(tree "$pid"); do
      kb=$(awk '/^VmRSS:/ {print $2}' /proc/$p/status 2>/dev/null) || continue
      [ -z "$kb" ] && continue
      total=$((total + kb)); n=$((n + 1))
      [ "$p" = "$pid" ] && srv=$kb
    done
    now=$(date +%s)
    echo "$((now - t0)) $((total / 1024)) $((srv / 1024)) $n"
    sleep 1
  done
}
sample > "$WORK/rss" &
sampler=$!

"$WORK/soak" -base "$base" -c "${CLIENTS:-8}" -n "${REQUESTS:-3000}" -fresh "${FRESH:-20}" -seed "${SEED:-1}"
code=$?
kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null; sampler=
echo "engine: ${ENGINE:-auto}; server log: $(grep -c 'level=ERROR' "$WORK/serve.log") error lines"
awk 'NR == 1 {first = $2} {if ($2 > max) {max = $2; at = $1}; last = $2; lastn = $4; s = $1}
  END {printf "RSS of server + workers (MB): start %d, peak %d at %d s, end %d (%d processes) over %d s\n", first, max, at, last, lastn, s}' "$WORK/rss"
echo "RSS every 10 s (s total_MB server_MB processes):"
awk 'NR % 10 == 1' "$WORK/rss" | tr '\n' ';' | sed 's/;/; /g'; echo
exit $code
