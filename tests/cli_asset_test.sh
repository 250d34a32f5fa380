#!/usr/bin/env bash
# End-to-end tests of `livesop asset check`: makes real files with Debian's
# tools (ImageMagick for images of many sizes and formats, FFmpeg for short
# videos, Ghostscript for PDFs), inspects them with the real binary and
# checks what it reports exactly, then checks them against the example
# SOP's channel specs; and every kind of bad input.
#
#   tests/cli_asset_test.sh BUILD/livesop SOURCE_DIR
#
# Prints one line per failure and, last, "N passed, M failed"; exits 1 when
# anything failed.
set -uo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 LIVESOP_BINARY SOURCE_DIR" >&2
  exit 2
fi
livesop="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
source_dir="$(cd "$2" && pwd)"
# shellcheck source=tests/lib.sh
source "${source_dir}/tests/lib.sh"
sop="${source_dir}/examples/marketing-ops/sop.yaml"

work_dir="$(mktemp -d "${TMPDIR:-/tmp}/livesop-cli-asset-test.XXXXXX")"
trap 'rm -rf "${work_dir}"' EXIT
cd "${work_dir}" || exit 2
unset LIVESOP_DB LIVESOP_SOP

convert=/usr/bin/convert

# inspect FILE PYTHON_EXPRESSION: the expression over the file's JSON (d).
inspect() {
  "${livesop}" asset check "$1" --json 2>/dev/null | py "$2"
}

# --- images of many sizes and formats ------------------------------------------------

for spec in 1080x1080:png 1080x1350:jpg 1920x1080:webp 1200x628:png \
  1080x1920:jpg 300x250:gif 728x90:png 640x480:tiff; do
  size="${spec%%:*}"
  ext="${spec##*:}"
  file="img-${size}.${ext}"
  "${convert}" -size "${size}" xc:'#3366cc' "${file}" 2>/dev/null
  width="${size%%x*}"
  height="${size##*x}"
  expect_eq "${file}: kind, size" \
    "$(inspect "${file}" '(d["file"]["kind"], d["file"]["image"]["width"], d["file"]["image"]["height"])')" \
    "('image', ${width}, ${height})"
  want_format="${ext}"
  [ "${ext}" = tiff ] && want_format=tif  # the name specs use
  expect_eq "${file}: format from the content" \
    "$(inspect "${file}" 'd["file"]["format"]')" "${want_format}"
  expect_eq "${file}: file size" \
    "$(inspect "${file}" 'd["file"]["file_size"]')" "$(stat -c %s "${file}")"
done
expect_eq "aspect ratios are reduced" \
  "$(inspect img-1080x1350.jpg 'd["file"]["image"]["aspect_ratio"]')/$(inspect img-1920x1080.webp 'd["file"]["image"]["aspect_ratio"]')" \
  "4:5/16:9"

"${convert}" -size 64x64 xc:none -fill '#ff000080' -draw 'circle 32,32 32,10' \
  alpha.png 2>/dev/null
expect_eq "a transparent PNG has alpha" \
  "$(inspect alpha.png 'd["file"]["image"]["has_alpha"]')" "True"
"${convert}" -size 200x100 xc:'#336699' -colorspace CMYK cmyk.jpg 2>/dev/null
expect_eq "a CMYK JPEG is CMYK" \
  "$(inspect cmyk.jpg 'd["file"]["image"]["color_space"]')" "CMYK"
"${convert}" -size 100x100 xc:gray50 -colorspace Gray -units PixelsPerInch \
  -density 300 grey.jpg 2>/dev/null
expect_eq "a grey JPEG at 300 dpi" \
  "$(inspect grey.jpg '(d["file"]["image"]["color_space"], d["file"]["image"]["dpi"])')" \
  "('grey', 300.0)"
"${convert}" -delay 50 -size 60x40 xc:red xc:green xc:blue -loop 0 anim.gif \
  2>/dev/null
expect_eq "an animated GIF: frames and duration" \
  "$(inspect anim.gif '(d["file"]["image"]["animated"], d["file"]["image"]["pages"], d["file"]["image"]["duration_seconds"])')" \
  "(True, 3, 1.5)"

# --- a short video ---------------------------------------------------------------------

ffmpeg -loglevel error -f lavfi -i "testsrc=size=1080x1920:rate=30" \
  -f lavfi -i "sine=frequency=440:sample_rate=44100" -t 2 \
  -c:v libx264 -pix_fmt yuv420p -c:a aac -shortest reel.mp4
expect_eq "an MP4: codecs, size, frame rate" \
  "$(inspect reel.mp4 '(d["file"]["format"], d["file"]["video"]["video_codec"], d["file"]["video"]["audio_codec"], d["file"]["video"]["width"], d["file"]["video"]["height"], d["file"]["video"]["frame_rate"])')" \
  "('mp4', 'h264', 'aac', 1080, 1920, 30.0)"
expect_eq "an MP4: duration within a frame" \
  "$(inspect reel.mp4 'abs(d["file"]["video"]["duration_seconds"] - 2.0) < 0.05')" \
  "True"
ffmpeg -loglevel error -f lavfi -i "testsrc=size=1920x1080:rate=25" -t 1 \
  -c:v libvpx-vp9 -b:v 200k clip.webm
expect_eq "a WebM: VP9 without audio" \
  "$(inspect clip.webm '(d["file"]["format"], d["file"]["video"]["video_codec"], d["file"]["video"]["audio_codec"], d["file"]["video"]["aspect_ratio"])')" \
  "('webm', 'vp9', '', '16:9')"

# --- PDFs --------------------------------------------------------------------------------

cat >pages.ps <<'EOF'
%!PS
<< /PageSize [595.276 841.89] >> setpagedevice
/Helvetica findfont 24 scalefont setfont
1 1 3 { 72 720 moveto (Page) show showpage } for
EOF
gs -q -dNOPAUSE -dBATCH -sDEVICE=pdfwrite -sOutputFile=a4.pdf pages.ps
expect_eq "a PDF: pages and A4 size" \
  "$(inspect a4.pdf '(d["file"]["kind"], d["file"]["pdf"]["pages"], round(d["file"]["pdf"]["width_mm"]), round(d["file"]["pdf"]["height_mm"]))')" \
  "('pdf', 3, 210, 297)"

# --- against the example SOP's channel specs ---------------------------------------------

run asset check img-1080x1350.jpg --sop "${sop}" --channel instagram
expect_eq "a 4:5 JPEG meets Instagram" "${code}" 0
expect_contains "it names the spec it meets" "${out}" "(ig-feed-portrait): meets it"
run asset check img-728x90.png --sop "${sop}" --channel instagram
expect_eq "a leaderboard banner fails Instagram" "${code}" 1
expect_contains "the failure says why" "${out}" "FAIL"
run_json asset check reel.mp4 --sop "${sop}" --json
expect_eq "a 9:16 reel meets Instagram, TikTok and YouTube Shorts" \
  "$(py '[c["channel"] for c in d["channels"] if c["passed"]]' <<<"${out}")" \
  "['instagram', 'tiktok', 'youtube']"
run asset check reel.mp4 --sop "${sop}"
expect_contains "a channel that takes no video is one line" "${out}" \
  "email: no spec for it (an MP4 file; the channel takes html)"

# --- bad input ---------------------------------------------------------------------------

head -c 3000 reel.mp4 >cut.mp4
run asset check cut.mp4
expect_eq "a truncated video exit" "${code}" 1
expect_contains "a truncated video names the file" "${out}" "cut.mp4"
head -c 200 img-1080x1080.png >cut.png
run asset check cut.png
expect_eq "a truncated image exit" "${code}" 1
expect_contains "a truncated image says what to do" "${out}" "again"
cp img-1080x1080.png lies.jpg
expect_eq "a PNG named .jpg is a PNG" "$(inspect lies.jpg 'd["file"]["format"]')" "png"
: >empty.png
run asset check empty.png
expect_eq "a zero-byte file exit" "${code}" 1
expect_contains "a zero-byte file is named" "${out}" "empty.png"
run asset check no-such-file.png
expect_eq "a missing file exit" "${code}" 2
run asset check img-1080x1080.png --channel instagram
expect_eq "--channel without an SOP exit" "${code}" 2
expect_contains "--channel without an SOP says what to give" "${out}" "--sop"
run asset check img-1080x1080.png --sop "${sop}" --channel instgram
expect_eq "an unknown channel exit" "${code}" 1
expect_contains "an unknown channel gets a suggestion" "${out}" \
  "did you mean instagram?"

# --- a campaign's assets: requests, uploads, checks, readiness --------------------------

read -r today launch end <<<"$(python3 -c '
import datetime
t = datetime.datetime.now(datetime.timezone.utc).date()
print(t, t + datetime.timedelta(days=120), t + datetime.timedelta(days=150))')"
write_request request.json "${today}" "${launch}" "${end}" '["instagram", "email"]'
store=(--db store.db --sop "${sop}")
run campaign submit "${store[@]}" --type product-launch --title "Spring" \
  --id spring-1 --values request.json --as intan-permata
expect_eq "submit exit" "${code}" 0

run asset request spring-1 hero --channel instagram --spec ig-feed-portrait \
  --note "Product on white" --as intan-permata "${store[@]}"
expect_eq "asset request exit" "${code}" 0
run asset request spring-1 hero2 --channel instagrm --as intan-permata \
  "${store[@]}"
expect_eq "a request for an unknown channel exit" "${code}" 1
expect_contains "an unknown channel gets a suggestion" "${out}" \
  "did you mean instagram?"
run asset request spring-1 "Hero Banner" --channel instagram \
  --as intan-permata "${store[@]}"
expect_eq "an asset name with spaces exit" "${code}" 1
expect_contains "an asset name says how to write it" "${out}" "hyphens"

run_json asset readiness spring-1 "${store[@]}" --json
expect_eq "readiness before any upload" \
  "$(py '[(a["channel"], a["asset"], a["status"]) for a in d["assets"]]' <<<"${out}")" \
  "[('email', '', 'unplanned'), ('instagram', 'hero', 'missing')]"

# A square image for a portrait spec fails it, with the reason recorded.
run_json asset add spring-1 img-1080x1080.png --name hero --as intan-permata \
  "${store[@]}" --json
expect_eq "asset add exit" "${code}" 0
expect_eq "the first version fails the requested spec" \
  "$(py '(d["asset_version"], d["spec"], d["passed"], d["failures"][0])' <<<"${out}")" \
  "(1, 'ig-feed-portrait', False, '1080×1080 px; the channel wants 1080×1350 px')"
expect_true "the file is kept by its content" \
  test -f "files/sha256/$(py 'd["sha256"][:2]' <<<"${out}")/$(py 'd["sha256"][2:]' <<<"${out}")"
run_json asset add spring-1 img-1080x1350.jpg --name hero --comment "Portrait crop" \
  --as intan-permata "${store[@]}" --json
expect_eq "the second version meets it" \
  "$(py '(d["asset_version"], d["passed"], d["already_stored"])' <<<"${out}")" \
  "(2, True, False)"
run_json asset add spring-1 img-1080x1350.jpg --name hero-copy --channel instagram \
  --as intan-permata "${store[@]}" --json
expect_eq "the same bytes again are stored once" \
  "$(py 'd["already_stored"]' <<<"${out}")" "True"
run asset add spring-1 cut.png --name hero --as intan-permata "${store[@]}"
expect_eq "a damaged upload exit" "${code}" 1
expect_eq "a damaged upload adds no version" \
  "$("${livesop}" campaign show spring-1 "${store[@]}" --events --json |
    py 'len([e for e in d["events"] if e["type"] == "asset_added"])')" "3"
run asset add spring-1 img-1080x1080.png --name banner --as intan-permata \
  "${store[@]}"
expect_eq "an unrequested asset without a channel exit" "${code}" 1
expect_contains "it asks for the channel" "${out}" "--channel"
run asset add spring-1 img-1080x1080.png --name banner --channel instagram \
  --as lina-hartono "${store[@]}"
expect_eq "someone outside the campaign's process exit" "${code}" 1
expect_contains "someone outside is refused" "${out}" "may not work on"

expect_eq "every check is an event with its rules" \
  "$("${livesop}" campaign show spring-1 "${store[@]}" --events --json |
    py '[(e["payload"]["asset"], e["payload"]["version"], e["payload"]["passed"], len(e["payload"]["rules"]) > 3) for e in d["events"] if e["type"] == "asset_checked"]')" \
  "[('hero', 1, False, True), ('hero', 2, True, True), ('hero-copy', 1, True, True)]"
run asset readiness spring-1 "${store[@]}"
expect_contains "readiness lists the email channel as unplanned" "${out}" \
  "the request names channel email but no asset is requested or uploaded for it"
expect_contains "readiness says it is not ready" "${out}" "not ready"

finish
