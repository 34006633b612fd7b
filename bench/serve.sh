#!/usr/bin/env bash
# HTTP: wrk against a running `codeatlas serve` on loopback (a cached
# /map.svg, an article page, and the map gzipped as browsers ask), against
# nginx serving the same bytes as static files, the baseline. 64
# connections, 10 s per run; codeatlas and nginx alternate, ROUNDS rounds,
# and the table gives the median req/s, the median p99 and the ratio.
# RSS of the server before and after.
# Usage: bench/serve.sh [ROUNDS]   (needs wrk; nginx for the baseline)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)"; exit 1; }
command -v nginx >/dev/null || { echo "needs nginx for the baseline (apt-get install nginx-light)"; exit 1; }
work=$(mktemp -d)
port=18080; nport=18081
go build -o "$work/codeatlas" ./cmd/codeatlas
"$work/codeatlas" serve --addr 127.0.0.1:$port > "$work/serve.log" 2>&1 &
pid=$!
cleanup() { kill "$pid" 2>/dev/null || true; [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
svg="/map.svg?view=ego&focus=c/raft"
article="/a/etcd/raft"
mkdir -p "$work/www"; chmod 755 "$work"
curl -sf "http://127.0.0.1:$port$svg" -o "$work/www/map.svg"
curl -sf "http://127.0.0.1:$port$article" -o "$work/www/article.html"
curl -sf -H 'Accept-Encoding: gzip' "http://127.0.0.1:$port$svg" -o "$work/www/map.svgz"
cat > "$work/nginx.conf" <<CONF
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx.err;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  types { image/svg+xml svg; text/html html; application/octet-stream svgz; }
  server { listen 127.0.0.1:$nport; root $work/www; }
}
CONF
nginx -c "$work/nginx.conf"
sleep 0.5
rss() { awk '/VmRSS/ {print int($2/1024) " MB"}' "/proc/$pid/status"; }
echo "bytes: map.svg $(wc -c < "$work/www/map.svg"), article.html $(wc -c < "$work/www/article.html"), map gzipped $(wc -c < "$work/www/map.svgz")"
echo "codeatlas RSS before: $(rss)"
# bench label url [header]: one 10 s run; appends "label reqs p99ms errors" to results
bench() {
  local out reqs p99 errs
  out=$(wrk -t2 -c64 -d10s --latency ${3:+-H "$3"} "$2")
  reqs=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) sub(/ms/,"",v); else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; print v}' <<<"$out")
  errs=$(awk '/Non-2xx|Socket errors/ {e=1} END {print e ? "errors" : "ok"}' <<<"$out")
  echo "$1 $reqs $p99 $errs" >> "$work/results"
  printf '  %-22s %10s req/s  p99 %6s ms  %s\n' "$1" "$reqs" "$p99" "$errs"
}
: > "$work/results"
for r in $(seq "$rounds"); do
  echo "round $r"
  bench map.codeatlas "http://127.0.0.1:$port$svg"
  bench map.nginx "http://127.0.0.1:$nport/map.svg"
  bench article.codeatlas "http://127.0.0.1:$port$article"
  bench article.nginx "http://127.0.0.1:$nport/article.html"
  bench gzip.codeatlas "http://127.0.0.1:$port$svg" "Accept-Encoding: gzip"
  bench gzip.nginx "http://127.0.0.1:$nport/map.svgz"
done
echo "codeatlas RSS after: $(rss)"
echo
echo "median of $rounds rounds      codeatlas req/s (p99 ms)   nginx req/s (p99 ms)   ratio"
for c in map article gzip; do
  med() { grep "^$c.$1 " "$work/results" | awk "{print \$$2}" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
  ca=$(med codeatlas 2); cp=$(med codeatlas 3); ng=$(med nginx 2); np=$(med nginx 3)
  printf '%-28s %12s (%5s)        %10s (%5s)   %.2f\n' "$c" "$ca" "$cp" "$ng" "$np" "$(awk "BEGIN {print $ca / $ng}")"
done
if grep -q errors "$work/results"; then echo "some runs had errors: $(grep errors "$work/results")"; fi
