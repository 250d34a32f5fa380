#!/usr/bin/env bash
# Regenerates the fixtures of this folder into OUT (default: a new temporary
# folder, so the committed files are not overwritten by accident). Needs
# ImageMagick 6 (/usr/bin/convert), libvips's command-line tools, FFmpeg with
# libx264, libvpx and libopus, and python3; the build and the tests need none
# of them. Encoders change between versions, so the bytes may differ from the
# committed files: the tests assert the committed ones.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$(mktemp -d)}"
mkdir -p "$out"
cd "$out"
im=/usr/bin/convert

# Images: solid colours, metadata stripped, so each is a few KB.
$im -size 1080x1080 xc:'#2f6fd0' -strip -define png:color-type=2 \
  -units PixelsPerInch -density 72 square-1080.png
$im -size 1080x1080 xc:'rgba(47,111,208,0.5)' -strip -define png:color-type=6 \
  square-1080-alpha.png
$im -size 1080x1350 xc:'#e05a2b' -strip -quality 40 -sampling-factor 4:2:0 \
  -units PixelsPerInch -density 72 portrait-1080x1350.jpg
$im -size 600x400 xc:'#e05a2b' -strip -colorspace CMYK -quality 40 \
  -units PixelsPerInch -density 300 cmyk-600x400.jpg
$im -size 64x64 xc:'#808080' -strip -colorspace Gray -define png:color-type=0 \
  grey-64.png
$im -size 64x64 xc:'#2f6fd0' -strip -define png:color-type=2 rgb-64.png
vips icc_transform rgb-64.png display-p3-64.png p3 --input-profile srgb
rm rgb-64.png
$im -delay 50 -size 120x80 xc:red xc:green xc:blue -loop 0 animated-120x80.gif

# Video: one second of a solid colour with silent audio.
ffmpeg -hide_banner -loglevel error -y \
  -f lavfi -i "color=c=0x2f6fd0:s=1080x1920:r=25:d=1" \
  -f lavfi -i "anullsrc=r=48000:cl=mono" -t 1 \
  -c:v libx264 -preset veryslow -crf 40 -pix_fmt yuv420p -tune stillimage \
  -c:a aac -b:a 8k -movflags +faststart -map_metadata -1 \
  -fflags +bitexact -flags:v +bitexact -flags:a +bitexact reel-1080x1920.mp4
ffmpeg -hide_banner -loglevel error -y \
  -f lavfi -i "color=c=0xe05a2b:s=320x180:r=30:d=1" \
  -f lavfi -i "anullsrc=r=48000:cl=mono" -t 1 \
  -c:v libvpx-vp9 -crf 50 -b:v 0 -deadline good -pix_fmt yuv420p \
  -c:a libopus -b:a 6k -map_metadata -1 -fflags +bitexact clip-320x180.webm

# PDF: vector pages written by make_pdf.py (an A4 pair, an A5 flyer with
# 3 mm bleed in its trim and bleed boxes).
python3 "$here/make_pdf.py" .

# Damaged copies: each cut short.
head -c 3000 square-1080.png > truncated.png
head -c 2500 reel-1080x1920.mp4 > truncated.mp4
head -c 400 a4-2pages.pdf > truncated.pdf

# Copy.
printf 'Diskon 50%% — hanya minggu ini! 🎉\n' > subject.txt
cp "$here/email.html" email.html

echo "fixtures written to $out"
