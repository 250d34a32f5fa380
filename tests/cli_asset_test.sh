#!/usr/bin/env bash
# End-to-end tests of `livesop asset check`: makes real files with Debian's
# tools (ImageMagick for images of many sizes and formats, FFmpeg for short
# videos, Ghostscript for PDFs), inspects them with the real binary and
# checks what it reports exactly, then checks them against the example
# SOP's channel specs; and every kind of bad input. Then a campaign's
# assets: requests, uploads checked against their spec, readiness,
# approvals bound to asset versions, a version after an approval asking
# again, the proof history of an asset and the revision log across
# documents and assets.
#
#   tests/cli_asset_test.sh BUILD/livesop SOURCE_DIR
#
# Prints one line per failure and, last, "N passed, M failed"; exits 1 when
# anything failed.
set -uo pipefail

# shellcheck source=tests/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
take_args "$@"
sop="${source_dir}/examples/marketing-ops/sop.yaml"

enter_work_dir cli-asset-test

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

# --- approvals bound to asset versions, the proof history, the revision log -----------

# events CAMPAIGN EXPR: EXPR evaluated on the campaign's events (`ev`).
events() {
  "${livesop}" campaign show "$1" "${store[@]}" --events --json 2>/dev/null |
    py '(lambda ev: '"$2"')(d["events"])'
}

# awaiting CAMPAIGN STEP: the first person the campaign awaits at STEP.
awaiting() {
  "${livesop}" campaign show "$1" "${store[@]}" --json 2>/dev/null |
    py '[a["people"][0] for a in d["awaited"] if a["step"] == "'"$2"'"][0]'
}

# advance CAMPAIGN STEP: does what the campaign waits for first (ticks an
# item, completes a step, approves), as the first person it names, until it
# awaits STEP; at most 60 actions.
advance() {
  local campaign="$1" step="$2" next s action item person
  for _ in $(seq 60); do
    next="$("${livesop}" campaign show "${campaign}" "${store[@]}" --json 2>/dev/null |
      py '"done" if any(a["step"] == "'"${step}"'" for a in d["awaited"]) else " ".join([d["awaited"][0]["step"], d["awaited"][0]["action"], d["awaited"][0]["item"] or "-", d["awaited"][0]["people"][0]])')"
    read -r s action item person <<<"${next}"
    case "${action:-${s}}" in
      done) return 0 ;;
      tick) run task tick "${campaign}" "${s}" "${item}" --as "${person}" "${store[@]}" ;;
      decide) run task approve "${campaign}" "${s}" --as "${person}" "${store[@]}" ;;
      complete) run task complete "${campaign}" "${s}" --as "${person}" "${store[@]}" ;;
      *) fail "advance ${campaign} to ${step}: ${next}"; return 1 ;;
    esac
    if [ "${code}" -ne 0 ]; then
      fail "advance ${campaign} to ${step}: ${s} ${action} as ${person}: ${out}"
      return 1
    fi
  done
  fail "advance ${campaign}: ${step} never awaited"
}

run campaign submit "${store[@]}" --type product-launch --title "Proofs" \
  --id proof-1 --values request.json --as intan-permata
expect_eq "submit proof-1 exit" "${code}" 0
run doc add proof-1 brief --text "Peluncuran produk baru." --as intan-permata \
  "${store[@]}"
expect_eq "the brief's first version exit" "${code}" 0
run asset request proof-1 hero --channel instagram --spec ig-feed-portrait \
  --note "Product on white" --as intan-permata "${store[@]}"
expect_eq "proof-1: asset request exit" "${code}" 0
advance proof-1 asset-production

# Production: a square cut fails the portrait spec, the portrait crop meets
# it; the copy deck's first version comes between them.
run asset add proof-1 img-1080x1080.png --name hero --comment "first cut" \
  --as intan-permata "${store[@]}"
expect_eq "proof-1: version 1 exit" "${code}" 0
run doc add proof-1 copy --text "Lebih ringan, lebih cepat." \
  --as intan-permata "${store[@]}"
expect_eq "the copy deck's first version exit" "${code}" 0
run asset add proof-1 img-1080x1350.jpg --name hero --comment "portrait crop" \
  --as intan-permata "${store[@]}"
expect_eq "proof-1: version 2 exit" "${code}" 0
advance proof-1 asset-spec-check
reviewer="$(awaiting proof-1 asset-spec-check)"
run task approve proof-1 asset-spec-check --comment "ready for the feed" \
  --as "${reviewer}" "${store[@]}"
expect_eq "the asset check is approved" "${code}" 0
expect_eq "the deciding approval names the asset's latest version" \
  "$(events proof-1 '[e["payload"].get("assets") for e in ev if e["type"] == "approval_decided" and e["step"] == "asset-spec-check"]')" \
  "[[{'asset': 'hero', 'version': 2}]]"
expect_eq "decisions before the upload name no asset" \
  "$(events proof-1 '[e["payload"].get("assets") for e in ev if e["type"] == "approval_decided"][0]')" \
  "None"

run_json asset history proof-1 hero "${store[@]}" --json
expect_eq "asset history exit" "${code}" 0
expect_eq "the history starts with the request" \
  "$(py '(d["request"]["channel"], d["request"]["spec"], d["request"]["note"], d["request"]["requested_by"])' <<<"${out}")" \
  "('instagram', 'ig-feed-portrait', 'Product on white', 'intan-permata')"
expect_eq "every version in order, with its status" \
  "$(py '[(v["version"], v["status"], v["locked"], v["comment"], v["file_name"]) for v in d["versions"]]' <<<"${out}")" \
  "[(1, 'superseded', False, 'first cut', 'img-1080x1080.png'), (2, 'approved', True, 'portrait crop', 'img-1080x1350.jpg')]"
expect_eq "version 1 keeps the reasons it failed" \
  "$(py '[(f["rule"], f["reason"]) for f in d["versions"][0]["failures"]][:2]' <<<"${out}")" \
  "[('sizes', '1080×1080 px; the channel wants 1080×1350 px'), ('aspect_ratios', '1080×1080 px is 1:1, the channel wants 4:5')]"
expect_eq "each version records its file" \
  "$(py '[(v["size"], v["sha256"][:8], v["uploaded_by"]) for v in d["versions"]]' <<<"${out}")" \
  "[($(stat -c %s img-1080x1080.png), '$(sha256sum img-1080x1080.png | cut -c1-8)', 'intan-permata'), ($(stat -c %s img-1080x1350.jpg), '$(sha256sum img-1080x1350.jpg | cut -c1-8)', 'intan-permata')]"
expect_eq "only version 2 was decided on, and its approval binds it" \
  "$(py '[[(x["step"], x["decision"], x["person"], x["comment"], x["approved"]) for x in v["decisions"]] for v in d["versions"]]' <<<"${out}")" \
  "[[], [('asset-spec-check', 'approve', '${reviewer}', 'ready for the feed', True)]]"
expect_eq "the asset is approved" "$(py 'd["status"]' <<<"${out}")" "approved"
run asset history proof-1 hero "${store[@]}"
expect_contains "the history as text: the failed rule" "${out}" \
  "FAIL sizes: 1080×1080 px; the channel wants 1080×1350 px"
expect_contains "the history as text: the approved version" "${out}" \
  "version 2: approved (locked)"
expect_contains "the history as text: the approval" "${out}" \
  "approved by ${reviewer} (creative-lead) at asset-spec-check; the step is approved: this version is locked"

run_json doc log proof-1 "${store[@]}" --json
expect_eq "the revision log interleaves documents and assets" \
  "$(py '[(e["subject"], e.get("document") or e.get("asset"), e["version"]) for e in d["entries"] if e["kind"] == "version"]' <<<"${out}")" \
  "[('document', 'brief', 1), ('asset', 'hero', 1), ('document', 'copy', 1), ('asset', 'hero', 2)]"
expect_eq "in time order" \
  "$(py '[e["time"] for e in d["entries"]] == sorted(e["time"] for e in d["entries"])' <<<"${out}")" \
  "True"
expect_eq "an asset version's line carries its check" \
  "$(py '[(e["check"]["channel"], e["check"]["passed"], [f["rule"] for f in e["check"]["failures"]][:1]) for e in d["entries"] if e["kind"] == "version" and e.get("asset") == "hero"]' <<<"${out}")" \
  "[('instagram', False, ['sizes']), ('instagram', True, [])]"
expect_eq "the review's decision names the asset's version" \
  "$(py '[(e["asset"], e["version"], e["approved"]) for e in d["entries"] if e["kind"] == "decision" and e["subject"] == "asset"]' <<<"${out}")" \
  "[('hero', 2, True)]"
run doc log proof-1 "${store[@]}"
expect_matches "the log as text says what each line is about" "${out}" \
  "asset hero +1 +added by intan-permata \(file img-1080x1080.png, "
expect_contains "and why a version failed" "${out}" \
  "  sizes: 1080×1080 px; the channel wants 1080×1350 px"

# The final approval is skipped (agreed in the launch meeting), so the
# asset check is the approval that bound version 2; a third version after
# it asks the creative lead again while the launch work goes on.
run deviate skip proof-1 content-approval --as sari-kusuma \
  --reason "Signed off in the launch meeting" "${store[@]}"
expect_eq "the final approval is skipped" "${code}" 0
"${convert}" -size 1080x1350 xc:'#cc6633' hero-v3.jpg 2>/dev/null
run asset add proof-1 hero-v3.jpg --name hero --comment "warmer" \
  --as intan-permata "${store[@]}"
expect_eq "proof-1: version 3 exit" "${code}" 0
expect_contains "version 3 says it asks the review again" "${out}" \
  "it came after version 2 was approved at asset-spec-check: the step is asked to approve again"
expect_eq "the change is recorded and the review reopened" \
  "$(events proof-1 '[(e["type"], e["step"], e["payload"].get("cause"), e["payload"].get("reapproval")) for e in ev if e["type"] in ("asset_changed_after_approval", "step_reopened")]')" \
  "[('asset_changed_after_approval', 'asset-spec-check', None, 'needed'), ('step_reopened', 'asset-spec-check', 'asset_changed_after_approval', None)]"
run_json campaign show proof-1 "${store[@]}" --json
expect_eq "the creative lead is asked again, the launch work goes on" \
  "$(py 'sorted({a["step"] for a in d["awaited"]})' <<<"${out}")" \
  "['asset-spec-check', 'pre-launch']"
run_json asset history proof-1 hero "${store[@]}" --json
expect_eq "version 2 stays approved; version 3 awaits its approval" \
  "$(py '[(v["version"], v["status"]) for v in d["versions"]]' <<<"${out}")" \
  "[(1, 'superseded'), (2, 'approved'), (3, 'ready')]"
expect_eq "version 3 records what it came after" \
  "$(py '(lambda c: (c["step"], c["approved_version"], c["reopened"]))(d["versions"][2]["changed_after_approval"])' <<<"${out}")" \
  "('asset-spec-check', 2, True)"
run task approve proof-1 asset-spec-check --as "${reviewer}" "${store[@]}"
expect_eq "the review approves again" "${code}" 0
run_json asset history proof-1 hero "${store[@]}" --json
expect_eq "the new approval binds version 3" \
  "$(py '[(v["version"], v["status"], [x["step"] for x in v["decisions"] if x["approved"]]) for v in d["versions"]][1:]' <<<"${out}")" \
  "[(2, 'approved', ['asset-spec-check']), (3, 'approved', ['asset-spec-check'])]"

# Bad input: refused, nothing written.
before="$(events proof-1 'len([e for e in ev if e["type"] != "command_refused"])')"
files_before="$(find files -type f | wc -l)"
run asset history proof-1 banner "${store[@]}"
expect_eq "the history of an unknown asset exit" "${code}" 1
expect_contains "it lists the campaign's assets" "${out}" \
  "campaign proof-1 has no asset banner; its assets: hero"
run asset history nope hero "${store[@]}"
expect_eq "the history of an unknown campaign exit" "${code}" 1
expect_contains "it names the campaign" "${out}" "no campaign nope"
run asset add nope hero-v3.jpg --name hero --channel instagram \
  --as intan-permata "${store[@]}"
expect_eq "an upload to an unknown campaign exit" "${code}" 1
"${convert}" -size 1080x1350 xc:'#123456' stray.jpg 2>/dev/null
run asset add nope stray.jpg --name hero --channel instagram \
  --as intan-permata "${store[@]}"
expect_eq "a new file for an unknown campaign exit" "${code}" 1
expect_eq "no file was stored" "$(find files -type f | wc -l)" "${files_before}"
expect_eq "nothing was written" \
  "$(events proof-1 'len([e for e in ev if e["type"] != "command_refused"])')" \
  "${before}"
run campaign show nope "${store[@]}"
expect_eq "no campaign was made" "${code}" 1

finish
