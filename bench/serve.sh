#!/usr/bin/env bash
# HTTP: wrk against a running `codeatlas serve` on loopback (a cached
# /map.svg and an article page), and against nginx serving the same bytes as
# static files, the baseline. 64 connections, 10 s each; RSS of the server
# before and after.
# Usage: bench/serve.sh   (needs wrk; nginx for the baseline)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)"; exit 1; }
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
rss() { awk '/VmRSS/ {print int($2/1024) " MB"}' "/proc/$pid/status"; }
echo "codeatlas RSS before: $(rss)"
run() { # label url [header]
  printf '\n== %s\n' "$1"
  wrk -t2 -c64 -d10s --latency ${3:+-H "$3"} "$2" | grep -E 'Requests/sec|Latency|99%|Non-2xx|Socket errors' || true
}
run "codeatlas cached $svg" "http://127.0.0.1:$port$svg"
run "codeatlas $article" "http://127.0.0.1:$port$article"
run "codeatlas cached $svg, gzip (as browsers ask)" "http://127.0.0.1:$port$svg" "Accept-Encoding: gzip"
echo "codeatlas RSS after: $(rss)"
if command -v nginx >/dev/null; then
  cat > "$work/nginx.conf" <<CONF
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx.err;
events { worker_connections 1024; }
http {
  access_log off;
  types { image/svg+xml svg; text/html html; application/octet-stream svgz; }
  server { listen 127.0.0.1:$nport; root $work/www; }
}
CONF
  nginx -c "$work/nginx.conf"
  sleep 0.5
  run "nginx static map.svg (baseline)" "http://127.0.0.1:$nport/map.svg"
  run "nginx static article.html (baseline)" "http://127.0.0.1:$nport/article.html"
  run "nginx static map.svgz, the same gzipped bytes (baseline)" "http://127.0.0.1:$nport/map.svgz"
else
  echo "nginx not installed: no baseline (apt-get install nginx-light)"
fi
