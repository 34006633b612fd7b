#!/usr/bin/env bash
# Load+Build on a generated corpus of N articles (default 10,000): wall time
# and peak RSS of `codeatlas stats`, against the bundled notes, and Hugo
# building the same folder as a site when hugo is installed.
# Usage: bench/loadbuild.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000}
out=bench/out; mkdir -p "$out"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
go build -o "$work/codeatlas" ./cmd/codeatlas
go run ./bench/gencorpus/gencorpus-cli -n "$n" -o "$work/notes"
echo "corpus: $n articles, $(du -sh "$work/notes" | cut -f1)"
measure() { # label, command...
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null
  read -r secs kb < "$work/time"
  printf '%-28s %6.2f s  %6d MB peak RSS\n' "$label" "$secs" $((kb / 1024))
}
for i in 1 2 3; do
  measure "codeatlas stats ($n)" "$work/codeatlas" stats --content "$work/notes"
done
for i in 1 2 3; do
  measure "codeatlas stats (bundled)" "$work/codeatlas" stats
done
if command -v hugo >/dev/null; then
  mkdir -p "$work/site/content"
  cp -r "$work/notes/." "$work/site/content/"
  printf 'baseURL = "http://example.org/"\ntitle = "bench"\n[markup.goldmark.renderer]\nunsafe = false\n' > "$work/site/hugo.toml"
  for i in 1 2 3; do
    measure "hugo build ($n)" hugo --quiet -s "$work/site" -d "$work/public"
  done
fi
