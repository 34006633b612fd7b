#!/usr/bin/env bash
# The probes of issue 19, one per finding, against a real `codeatlas serve`:
#   nine     the nine-visit sequence on the bundled notes, then fresh maps
#   merge    8 concurrent identical requests for an uncached slow map
#   starve   a small uncached map while two slow ones are laid out
#   abort    10 clients that give up after 0.3 s on slow maps; then the
#            same maps again (cached or not)
#   orphan   SIGTERM to the server mid-render: exit time, code, workers left
#   sfdp     codeatlas export --view ego --focus m/github.com/prometheus/prometheus --depth 1 --layout sfdp
#   user2    a second user (nobody, via setpriv; needs root) runs codeatlas
#            after this user has created /tmp/go-graphviz
# CPU-s is the server's own CPU plus its workers' (live and reaped), read
# from /proc. The slow cases use a 10,000-article folder from bench/gencorpus
# (made once under $WORK).
# Usage: bench/probes.sh [BINARY]   (default: build this tree)
# ENGINE=wasm|native passes --engine (builds that have it); the disk cache
# is off (--no-cache, builds that have it) so every run starts cold.
# PROBES="nine merge" runs some; PORT moves the server.
set -uo pipefail
cd "$(dirname "$0")/.."
WORK=${WORK:-/tmp/codeatlas-probes}
mkdir -p "$WORK"
bin=${1:-}
if [ -z "$bin" ]; then
  bin=$WORK/codeatlas
  go build -o "$bin" ./cmd/codeatlas || exit 1
fi
[ -d "$WORK/corpus10k" ] || go run ./bench/gencorpus/gencorpus-cli -n 10000 -o "$WORK/corpus10k" >/dev/null
port=${PORT:-18291}
flags=()
"$bin" serve --help 2>&1 | grep -q -- --no-cache && flags+=(--no-cache)
[ -n "${ENGINE:-}" ] && flags+=(--engine "$ENGINE")
base=http://127.0.0.1:$port
pid=

start() { # start [serve flags...]
  "$bin" serve --addr 127.0.0.1:$port "${flags[@]}" "$@" > "$WORK/serve.log" 2>&1 &
  pid=$!
  for _ in $(seq 150); do curl -sf "$base/healthz" >/dev/null && return; sleep 0.2; done
  echo "server did not start"; cat "$WORK/serve.log"; exit 1
}
stop() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=; }
trap stop EXIT

# cpu: CPU seconds of the server and all its children, live or reaped.
cpu() {
  local t=0 p f
  for p in $pid $(pgrep -P "$pid"); do
    f=$(cut -d' ' -f14-17 "/proc/$p/stat" 2>/dev/null) || continue
    set -- $f
    if [ "$p" = "$pid" ]; then t=$((t + $1 + $2 + $3 + $4)); else t=$((t + $1 + $2)); fi
  done
  echo "scale=2; $t / $(getconf CLK_TCK)" | bc
}
get() { # get URL -> "code bytes seconds type"
  curl -s -o "$WORK/body" -w '%{http_code} %{size_download} %{time_total} %{content_type}' "$base$1"
}
svgok() { # is the last body an SVG document?
  head -c 400 "$WORK/body" | grep -q '<svg' && echo svg || echo NOT-SVG
}

probe_nine() {
  start
  for u in / "/search?q=raft" /c/raft /a/etcd/raft /p/traefik /a/traefik/introduce \
    "/map?view=project&focus=p/traefik" "/map?view=project&focus=p/traefik&layout=dot&k=project&k=article" \
    "/map.svg?view=path&from=p/go-micro&to=c/service-discovery" "/map.svg?view=ego&focus=c/grpc&depth=1"; do
    r=$(get "$u"); case $u in /map.svg*) r="$r $(svgok)";; esac
    echo "nine: $u -> $r"
  done
  for u in "/map.svg?view=ego&focus=c/raft&depth=2" "/map.svg?view=ego&focus=p/etcd" "/map.svg?view=overview&layout=neato"; do
    echo "nine: fresh $u -> $(get "$u") $(svgok)"
  done
  echo "nine: 'out of bounds' lines in the log: $(grep -c 'out of bounds' "$WORK/serve.log")"
  stop
}

slow1="/map.svg?view=ego&focus=c/tsdb&depth=2&budget=150"
slow2="/map.svg?view=ego&focus=c/lease&depth=2&budget=150"
slow3="/map.svg?view=ego&focus=c/watch&depth=2&budget=150"

probe_merge() {
  start --content "$WORK/corpus10k"
  c0=$(cpu)
  for i in $(seq 8); do (echo "merge: client $i -> $(get "$slow1")") & done
  wait $(jobs -p | grep -v "^$pid$") 2>/dev/null
  sleep 0.5
  echo "merge: CPU-s for 8 identical requests: $(echo "$(cpu) - $c0" | bc)"
  stop
}

probe_starve() {
  start --content "$WORK/corpus10k"
  (get "$slow2" >/dev/null) & a=$!
  (get "$slow3" >/dev/null) & b=$!
  sleep 0.5
  echo "starve: small map while two slow ones run -> $(get "/map.svg?view=ego&focus=p/proj007&budget=10")"
  wait $a $b
  stop
}

probe_abort() {
  start --content "$WORK/corpus10k"
  sleep 1
  c0=$(cpu)
  for c in raft service-discovery load-balancing tracing message-queue wal grpc middleware gossip lease; do
    curl -s -o /dev/null --max-time 0.3 "$base/map.svg?view=ego&focus=c/$c&depth=2&budget=60"
  done
  sleep 5
  echo "abort: CPU-s for 10 aborted requests (5 s after): $(echo "$(cpu) - $c0" | bc)"
  n=0
  for c in raft service-discovery load-balancing tracing message-queue wal grpc middleware gossip lease; do
    r=$(get "/map.svg?view=ego&focus=c/$c&depth=2&budget=60"); set -- $r
    [ "$(echo "$3 < 0.05" | bc)" = 1 ] && n=$((n + 1))
  done
  echo "abort: maps answered from the cache afterwards (< 50 ms): $n of 10"
  stop
}

probe_orphan() {
  start --content "$WORK/corpus10k"
  (get "$slow1" >/dev/null) &
  sleep 1
  workers=$(pgrep -P "$pid" | tr '\n' ' ')
  t0=$(date +%s.%N)
  kill -TERM "$pid"
  wait "$pid"; code=$?
  t1=$(date +%s.%N)
  pid=
  sleep 2
  left=0
  for w in $workers; do kill -0 "$w" 2>/dev/null && { left=$((left + 1)); kill -KILL "$w"; }; done
  echo "orphan: exit $code after $(echo "$t1 - $t0" | bc | cut -c1-5) s; workers alive 2 s later: $left of $(echo $workers | wc -w)"
  echo "orphan: log: $(grep -i 'shut\|deadline\|error' "$WORK/serve.log" | tail -2 | tr '\n' ' ')"
}

probe_sfdp() {
  "$bin" export "${flags[@]}" --view ego --focus m/github.com/prometheus/prometheus --depth 1 --layout sfdp --format svg \
    > "$WORK/sfdp.svg" 2> "$WORK/sfdp.err"
  code=$?
  echo "sfdp: export exit $code, $(wc -c < "$WORK/sfdp.svg") bytes, $(head -c 300 "$WORK/sfdp.svg" | grep -c '<svg') svg; stderr: $(head -c 200 "$WORK/sfdp.err" | tr '\n' ' ')"
}

probe_user2() {
  if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null; then echo "user2: skipped (needs root and setpriv)"; return; fi
  "$bin" stats > /dev/null 2>&1 # this user's run creates /tmp/go-graphviz
  u2=$WORK/user2; mkdir -p "$u2"; cp "$bin" "$u2/codeatlas"; chmod -R a+rwx "$u2"
  setpriv --reuid=65534 --regid=65534 --clear-groups env HOME="$u2" "$u2/codeatlas" stats > "$u2/out" 2>&1
  code=$?
  echo "user2: 'codeatlas stats' as nobody exits $code: $(grep -m1 -o 'panic.*\|permission denied[^ ]*' "$u2/out" | head -c 150)"
}

for p in ${PROBES:-nine merge starve abort orphan sfdp user2}; do "probe_$p"; done
