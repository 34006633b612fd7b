#!/usr/bin/env bash
# The static site: `codeatlas site` on the bundled notes (cold render cache,
# then a second run into the same folder after editing one article) against
# Hugo building the same notes (markdown and highlighting, no maps) in a
# throwaway site. Prints wall time, CPU time (user + system, the process
# and the children it waited for: workers, dot), peak RSS (of the largest
# process), bytes on disk and files. CPU time reads true on a busy machine
# where wall time does not.
# Nothing here is committed: everything is built under a temp folder.
# Usage: [ENGINES="native wasm"] bench/site.sh
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hugo >/dev/null || { echo "needs hugo (apt-get install hugo)"; exit 1; }
[ -x /usr/bin/time ] || { echo "needs GNU time (apt-get install time)"; exit 1; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
go build -o "$work/codeatlas" ./cmd/codeatlas

# measure NAME DIR CMD...: one line of figures for a build writing DIR.
measure() {
  local name=$1 dir=$2; shift 2
  /usr/bin/time -f '%e %M %U %S' -o "$work/time" "$@" > "$work/out" 2>&1 || { cat "$work/out"; exit 1; }
  read -r wall rss user sys < "$work/time"
  printf '%-30s wall %7.2f s  cpu %7.2f s  peak RSS %6.1f MB  %7.1f MB on disk  %5d files\n' "$name" "$wall" \
    "$(echo "$user + $sys" | bc -l)" "$(echo "$rss / 1024" | bc -l)" "$(echo "$(du -sb "$dir" | cut -f1) / 1000000" | bc -l)" "$(find "$dir" -type f | wc -l)"
  echo "$wall" > "$work/wall.$name"
}

# Hugo: the notes as content, a one-line layout per page kind, Chroma
# highlighting (Hugo's default for fenced code).
mkdir -p "$work/hugo/layouts/_default"
cp -r content "$work/hugo/content"
find "$work/hugo/content" -name '*.go' -delete
printf 'baseURL = "/"\ntitle = "notes"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n[markup.highlight]\nnoClasses = false\n' > "$work/hugo/hugo.toml"
echo '<!doctype html><title>{{ .Title }}</title>{{ .Content }}' > "$work/hugo/layouts/_default/single.html"
echo '<!doctype html><title>{{ .Title }}</title>{{ .Content }}{{ range .Pages }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}' > "$work/hugo/layouts/_default/list.html"
measure hugo "$work/hugo/public" hugo --quiet -s "$work/hugo" -d "$work/hugo/public"

# codeatlas, per engine (ENGINES, default "native wasm"): a cold render
# cache, then one article edited and built again into the same folder.
for engine in ${ENGINES:-native wasm}; do
  rm -rf "$work/notes" "$work/site" "$work/cache"
  mkdir -p "$work/notes"; cp -r content/. "$work/notes/"
  measure "site $engine (cold cache)" "$work/site" "$work/codeatlas" site -q --engine "$engine" --content "$work/notes" --cache-dir "$work/cache" -o "$work/site"
  art=$(find "$work/notes/etcd" -name '*.md' ! -name SUMMARY.md | sort | head -1)
  printf '\nOne more sentence, added by bench/site.sh.\n' >> "$art"
  measure "site $engine (warm, 1 edit)" "$work/site" "$work/codeatlas" site -q --engine "$engine" --content "$work/notes" --cache-dir "$work/cache" -o "$work/site"
  printf '%s: edited %s; cold / hugo: %.1fx   warm after one edit: %.2f s\n' "$engine" "${art#"$work"/notes/}" \
    "$(echo "$(cat "$work/wall.site $engine (cold cache)") / $(cat "$work/wall.hugo")" | bc -l)" "$(cat "$work/wall.site $engine (warm, 1 edit)")"
done
