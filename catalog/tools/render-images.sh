#!/usr/bin/env bash
# Render the product pictures of the sample catalog from public-domain openclipart SVGs.
#
#   catalog/tools/render-images.sh            render every image listed in images.tsv
#   catalog/tools/render-images.sh NAME...    render only these image files (e.g. ru-gzhel-teapot.jpg)
#   catalog/tools/render-images.sh --check    only report missing sources, missing or stale images
#
# The manifest catalog/tools/images.tsv has one line per image, tab-separated:
#   image file (under catalog/images/) <TAB> source SVG (under $OPENCLIPART) <TAB> background colour
# Lines starting with '#' are comments. The background column is optional (default #F7F5F0).
#
# Needs: Debian packages openclipart-svg and librsvg2-bin (rsvg-convert), and ImageMagick's
# /usr/bin/convert (not whatever `convert` comes first on PATH).
#   apt-get install --no-install-recommends openclipart-svg librsvg2-bin imagemagick
#
# Each picture is rendered large, trimmed to its content, scaled to fit a 640x640 box and
# centred on an 800x800 light background, then written as a baseline JPEG (quality 85,
# lowered step by step if the file would exceed MAX_BYTES). Output is deterministic for
# a given package version, so re-running it reproduces the committed files.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CATALOG="$(dirname "$HERE")"
MANIFEST="$HERE/images.tsv"
OUTDIR="$CATALOG/images"
OPENCLIPART="${OPENCLIPART:-/usr/share/openclipart/svg}"
CONVERT=/usr/bin/convert
RSVG="$(command -v rsvg-convert || true)"
SIZE=800          # canvas edge, px
FIT=640           # the picture is scaled to fit FITxFIT (80 % of the canvas)
MAX_BYTES=81920   # 80 KiB
DEFAULT_BG="#F7F5F0"

die() { echo "render-images: $*" >&2; exit 1; }

[[ -f "$MANIFEST" ]] || die "manifest not found: $MANIFEST"
mode=render
declare -A only=()
for a in "$@"; do
  case "$a" in
    --check) mode=check ;;
    -h|--help) sed -n '2,20p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) only["$a"]=1 ;;
  esac
done

if [[ $mode == render ]]; then
  [[ -x "$CONVERT" ]] || die "$CONVERT not found (apt-get install imagemagick)"
  [[ -n "$RSVG" ]] || die "rsvg-convert not found (apt-get install librsvg2-bin)"
  [[ -d "$OPENCLIPART" ]] || die "$OPENCLIPART not found (apt-get install openclipart-svg)"
fi

mkdir -p "$OUTDIR"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

declare -A listed=()
n=0; rendered=0; problems=0
while IFS=$'\t' read -r name src bg _rest || [[ -n "${name:-}" ]]; do
  [[ -z "${name// }" || "${name:0:1}" == "#" ]] && continue
  n=$((n + 1))
  listed["$name"]=1
  [[ "$name" == */* || "$name" == .* ]] && { echo "bad image name: $name" >&2; problems=$((problems + 1)); continue; }
  svg="$OPENCLIPART/$src"
  out="$OUTDIR/$name"
  if [[ $mode == check ]]; then
    [[ -f "$svg" ]] || { echo "missing source: $src (for $name)"; problems=$((problems + 1)); }
    [[ -f "$out" ]] || { echo "missing image: images/$name"; problems=$((problems + 1)); }
    continue
  fi
  if (( ${#only[@]} > 0 )) && [[ -z "${only[$name]:-}" ]]; then continue; fi
  [[ -f "$svg" ]] || { echo "missing source: $src (for $name)" >&2; problems=$((problems + 1)); continue; }
  bg="${bg:-$DEFAULT_BG}"

  # 1. rasterise large with transparency, 2. trim to the drawing, 3. fit and centre on the background
  "$RSVG" --width 1600 --height 1600 --keep-aspect-ratio --format png --output "$tmp/raw.png" "$svg"
  "$CONVERT" "$tmp/raw.png" -trim +repage -resize "${FIT}x${FIT}" "$tmp/fit.png"
  q=85
  while :; do
    "$CONVERT" -size "${SIZE}x${SIZE}" "xc:$bg" "$tmp/fit.png" -gravity center -composite \
      -strip -interlace none -sampling-factor 2x2 -quality "$q" "$tmp/out.jpg"
    bytes=$(stat -c %s "$tmp/out.jpg")
    (( bytes <= MAX_BYTES || q <= 60 )) && break
    q=$((q - 5))
  done
  mv "$tmp/out.jpg" "$out"
  rendered=$((rendered + 1))
  printf '%-48s %6d bytes  q%d  <- %s\n' "$name" "$bytes" "$q" "$src"
done < "$MANIFEST"

# images present on disk but not in the manifest
for f in "$OUTDIR"/*; do
  [[ -e "$f" ]] || continue
  b="$(basename "$f")"
  [[ -n "${listed[$b]:-}" ]] || { echo "stale image not in manifest: images/$b"; problems=$((problems + 1)); }
done

if [[ $mode == check ]]; then
  echo "checked $n manifest entries, $problems problem(s)"
else
  echo "rendered $rendered of $n images into $OUTDIR, $problems problem(s)"
fi
(( problems == 0 ))
