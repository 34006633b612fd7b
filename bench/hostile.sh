#!/usr/bin/env bash
# The probes of issue 21 (hostile requests and notes), runnable against any
# build, so old and new figures come from the same commands.
# Usage: bench/hostile.sh BINARY PROBE [ARGS]
#   404 [KB]            GET /c/<KB of q> on the bundled notes: status, seconds,
#                       server CPU-s during it and in the 10 s after a 5 s client timeout
#   404-10k [BYTES]     an unknown id of BYTES on the 10,000-article folder
#   graphjson [N]       N concurrent /graph.json on the 10,000-article folder, the
#                       first requests after start: wall time, server peak RSS;
#                       then one request: size, seconds; then N concurrent again
#   links N [SEP]       a note of N links, ten per line, SEP between links (" " or ". "):
#                       wall time and peak RSS of check and stats
#   mentions N [SEP]    the same with N bare concept mentions ("raft grpc ...")
#   symlink             symlinks to a file and a folder outside the notes: site and serve
#   svg                 an SVG with <script> and onload beside a note: what site publishes
#   dotdot              a concept page with id: ..: check, then site
#   oddnames            a file named with invalid UTF-8, and an unreadable root
# The 10,000-article folder is made by bench/gencorpus once, under $WORK.
set -uo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "$1"); probe=$2; shift 2
WORK=${WORK:-/tmp/hostile-probe}
mkdir -p "$WORK"
port=${PORT:-18321}
corpus10k() {
  [ -d "$WORK/corpus10k" ] || go run ./bench/gencorpus/gencorpus-cli -n 10000 -o "$WORK/corpus10k" >/dev/null
  echo "$WORK/corpus10k"
}
cpu() { awk '{print ($14+$15)/100}' "/proc/$1/stat"; } # utime+stime in seconds (USER_HZ 100)
start_server() { # content dir or "" for the bundled notes
  "$bin" serve ${1:+--content "$1"} --addr 127.0.0.1:$port >"$WORK/serve.log" 2>&1 &
  pid=$!
  for _ in $(seq 600); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && return; sleep 0.2; done
  echo "server did not start"; cat "$WORK/serve.log"; exit 1
}
stop_server() { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; }
long() { head -c "$1" /dev/zero | tr '\0' q; }
timed() { # label, command...: wall seconds and peak RSS
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$WORK/time" "$@" >"$WORK/out" 2>&1
  local rc=$?
  read -r secs kb < <(tail -n 1 "$WORK/time")
  printf '%-40s exit %d  %8.2f s  %5d MB peak RSS\n' "$label" "$rc" "$secs" $((kb / 1024))
}
note_of() { # N word SEP: N items, ten per line
  awk -v n="$1" -v w="$2" -v sep="$3" 'BEGIN { for (i = 1; i <= n; i++) { printf "%s%s", w, (i % 10 == 0 ? "\n" : sep) } print "" }'
}
echo "# $(basename "$bin") $probe $* ($(uptime | sed 's/.*load/load/'))"
case $probe in
404)
  kb=${1:-100}
  start_server ""
  # python sends the request: a 1 MB URL is too long for curl's arguments.
  get_long() { # timeout
    python3 -c 'import http.client, sys, time
port, n, timeout = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
t = time.time()
try:
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    c.request("GET", "/c/" + "q" * n)
    r = c.getresponse(); r.read(); status = r.status
except Exception as e:
    status = type(e).__name__
print(status, "in %.3f s" % (time.time() - t))' "$port" $((kb * 1024)) "$1"
  }
  c0=$(cpu $pid)
  echo "GET /c/<$kb KB>: $(get_long 600)"
  c1=$(cpu $pid)
  echo "server CPU during the request: $(echo "$c1 - $c0" | bc) s"
  echo "again with a 5 s client timeout: $(get_long 5)"
  c2=$(cpu $pid); sleep 10; c3=$(cpu $pid)
  echo "server CPU in the 10 s after the client left: $(echo "$c3 - $c2" | bc) s"
  stop_server ;;
404-10k)
  n=${1:-2048}
  start_server "$(corpus10k)"
  curl -s -o /dev/null -w "GET /c/<$n bytes> on 10k articles: %{http_code} in %{time_total} s\n" --max-time 600 "http://127.0.0.1:$port/c/$(long "$n")"
  curl -s -o /dev/null -w "GET /c/raftt (a typo) on 10k articles: %{http_code} in %{time_total} s\n" "http://127.0.0.1:$port/c/raftt"
  stop_server ;;
graphjson)
  n=${1:-32}
  start_server "$(corpus10k)"
  echo "server RSS after start: $(awk '/VmRSS/ {print int($2/1024)}' /proc/$pid/status) MB"
  t0=$(date +%s.%N)
  seq "$n" | xargs -P "$n" -I{} curl -s -o /dev/null "http://127.0.0.1:$port/graph.json?n={}"
  t1=$(date +%s.%N)
  echo "$n concurrent /graph.json?n=i, the first requests after start: $(echo "$t1 - $t0" | bc) s, server peak RSS $(awk '/VmHWM/ {print int($2/1024)}' /proc/$pid/status) MB"
  curl -s -o "$WORK/graph.json" -w "GET /graph.json: %{http_code}, %{size_download} bytes in %{time_total} s\n" "http://127.0.0.1:$port/graph.json"
  curl -s -o /dev/null -H 'Accept-Encoding: gzip' -w "gzipped: %{http_code}, %{size_download} bytes in %{time_total} s\n" "http://127.0.0.1:$port/graph.json"
  t0=$(date +%s.%N)
  seq "$n" | xargs -P "$n" -I{} curl -s -o /dev/null "http://127.0.0.1:$port/graph.json?again={}"
  t1=$(date +%s.%N)
  echo "$n concurrent again: $(echo "$t1 - $t0" | bc) s, server peak RSS $(awk '/VmHWM/ {print int($2/1024)}' /proc/$pid/status) MB"
  stop_server ;;
links|mentions)
  n=$1; sep=${2:- }
  d="$WORK/$probe-$n"; rm -rf "$d"; mkdir -p "$d/x"
  if [ "$probe" = links ]; then
    printf '# B\n' > "$d/x/b.md"
    { printf '# A\n\n'; note_of "$n" '[b](b.md)' "$sep"; } > "$d/x/a.md"
  else
    { printf '# A\n\n'; note_of "$n" 'raft grpc' "$sep"; } > "$d/x/a.md"
  fi
  echo "note: $(wc -c < "$d/x/a.md") bytes"
  timed "check ($n $probe, sep '$sep')" "$bin" check --no-diagrams --content "$d"
  tail -n 3 "$WORK/out"
  timed "stats ($n $probe, sep '$sep')" "$bin" stats --content "$d" ;;
symlink)
  d="$WORK/symlink"; rm -rf "$d"; mkdir -p "$d/notes/x" "$d/outside/dir"
  echo "top secret" > "$d/outside/secret.txt"; echo "secret in a folder" > "$d/outside/dir/s.txt"
  printf '# Leak\n\nrooted\n' > "$d/outside/dir/leak.md"
  ln -s /etc/passwd "$d/notes/x/linked.md"
  ln -s "$d/outside/secret.txt" "$d/notes/x/link.txt"
  ln -s "$d/outside/dir" "$d/notes/x/dir"
  printf '# Index\n\n[passwd](linked.md) [secret](link.txt) [in dir](dir/s.txt) [leak](dir/leak.md)\n' > "$d/notes/x/index.md"
  timed "check" "$bin" check --no-diagrams --content "$d/notes"; grep -E 'linked|link.txt|dir' "$WORK/out"
  timed "site" "$bin" site --content "$d/notes" -o "$d/out"; tail -n 2 "$WORK/out"
  echo "site files holding outside content: $(grep -rlE 'root:x:0:0|top secret|secret in a folder|rooted' "$d/out" 2>/dev/null | sed "s|$d/out/||" | tr '\n' ' ')"
  start_server "$d/notes"
  for u in /asset/x/link.txt /asset/x/dir/s.txt /a/x/linked /a/x/dir/leak; do
    curl -s -o "$WORK/body" -w "GET $u: %{http_code}" "http://127.0.0.1:$port$u"
    grep -qE 'root:x:0:0|top secret|secret in a folder|rooted' "$WORK/body" && echo " (outside content served)" || echo
  done
  stop_server ;;
svg)
  d="$WORK/svg"; rm -rf "$d"; mkdir -p "$d/notes/x"
  printf '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script><a href="javascript:alert(3)"><rect width="9" height="9"/></a><image href="https://evil.example/x.png"/></svg>\n' > "$d/notes/x/evil.svg"
  printf '<html><script>alert(4)</script></html>\n' > "$d/notes/x/page.html"
  printf '# Index\n\n![pic](evil.svg) [open it](evil.svg) [page](page.html)\n' > "$d/notes/x/index.md"
  timed "site" "$bin" site --content "$d/notes" -o "$d/out"
  for f in $(cd "$d/out" && find asset -type f | sort); do
    echo "$f: $(grep -cE '<script|onload|javascript:|https://evil' "$d/out/$f") lines with script or external refs"
  done ;;
dotdot)
  d="$WORK/dotdot"; rm -rf "$d"; mkdir -p "$d/notes/concepts"
  printf -- '---\nkind: concept\nid: ..\ntitle: Dots\n---\nDots.\n' > "$d/notes/concepts/dots.md"
  printf '# A\n\nabout dots\n' > "$d/notes/a.md"
  timed "check" "$bin" check --no-diagrams --content "$d/notes"; cat "$WORK/out"
  timed "site" "$bin" site --content "$d/notes" -o "$d/out"; tail -n 2 "$WORK/out"
  echo "files left in out: $(find "$d/out" -type f 2>/dev/null | wc -l)" ;;
oddnames)
  d="$WORK/oddnames"; rm -rf "$d"; mkdir -p "$d/notes" "$d/locked"
  printf '# Cafe\n' > "$d/notes/$(printf 'caf\xe9-\xff\xfe.md')"
  printf '# A\n' > "$d/notes/a.md"
  timed "check" "$bin" check --no-diagrams --content "$d/notes"; cat "$WORK/out"
  printf '# A\n' > "$d/locked/a.md"; chmod 000 "$d/locked"
  asuser=(); [ "$(id -u)" = 0 ] && asuser=(setpriv --reuid=65534 --regid=65534 --clear-groups) # root reads anything
  chmod 755 "$WORK" "$d"; mkdir -p "$d/tmp"; chmod 777 "$d/tmp" # go-graphviz caches its WASM in $TMPDIR
  timed "check (unreadable root)" "${asuser[@]}" env TMPDIR="$d/tmp" "$bin" check --no-diagrams --content "$d/locked"; cat "$WORK/out"
  chmod 755 "$d/locked" ;;
*) echo "unknown probe $probe"; exit 2 ;;
esac
