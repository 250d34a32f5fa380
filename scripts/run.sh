#!/usr/bin/env bash
# livesop's main job on a fresh Debian 12 machine: installs what is missing,
# builds the `livesop` binary, checks the example Marketing Operations SOP and
# writes its manual (Markdown with SVG diagrams, and one self-contained HTML
# file); then runs two campaigns through the SOP in a SQLite workspace, one
# with an approval given on WhatsApp and one with a skipped step, and mines
# that history: statistics, the process map, and conformance with the SOP.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build --target livesop

sop=examples/marketing-ops/sop.yaml
out=out/manual
echo
./build/livesop check "$sop"
./build/livesop render "$sop" --format md -o "$out/marketing-ops.md"
./build/livesop render "$sop" --format html -o "$out/marketing-ops.html"

# Two campaigns through the SOP, each command its own transaction.
demo=out/demo
rm -rf "$demo"
mkdir -p "$demo"
store=(--db "$demo/livesop.db" --sop "$sop")
python3 - >"$demo/request.json" <<'PY'
import datetime, json
today = datetime.date.today()
print(json.dumps({
    "campaign_name": "Spring launch", "requester": "intan-permata",
    "objective": "awareness", "target_audience": "Young professionals",
    "key_message": "Light, fast, yours", "strategic_outline": "Growth goal",
    "campaign_brief": "https://drive.example.com/brief",
    "channels": ["instagram"], "asset_needs": "Feed posts",
    "budget": 25000000, "cost_center": "CC-1234",
    "brief_date": str(today), "launch_date": str(today + datetime.timedelta(days=120)),
    "end_date": str(today + datetime.timedelta(days=150)),
    "timeline": "https://drive.example.com/timeline", "urgent": False}, indent=2))
PY
livesop() { ./build/livesop "$@"; }
echo
livesop campaign submit "${store[@]}" --type product-launch --id spring-1 \
  --title "Spring launch" --values "$demo/request.json" --as intan-permata
livesop task complete spring-1 plan "${store[@]}" --as intan-permata
livesop task approve spring-1 internal-review "${store[@]}" --as bayu-setiawan
livesop task complete spring-1 submit-request "${store[@]}" --as intan-permata
livesop deviate approve spring-1 completeness-check --channel whatsapp \
  --approver dimas-saputra --reason "Dimas said ok in the team chat" \
  --evidence "ok, lengkap" "${store[@]}" --as intan-permata
livesop campaign submit "${store[@]}" --type product-launch --id summer-1 \
  --title "Summer launch" --values "$demo/request.json" \
  --field campaign_name="Summer launch" --as intan-permata
livesop deviate skip summer-1 plan --reason "Brief agreed in the kickoff" \
  "${store[@]}" --as sari-kusuma
livesop task approve summer-1 internal-review "${store[@]}" --as bayu-setiawan
echo
livesop campaign show spring-1 "${store[@]}"

# Their marketing calendar: milestones counted back from the launch, the
# deadlines coming up, and the same as an iCalendar file to subscribe to.
echo
livesop calendar "${store[@]}" --to "$(date -u -d '+5 months' +%F)"
livesop calendar "${store[@]}" --to "$(date -u -d '+5 months' +%F)" --ics \
  -o "$demo/calendar.ics" >/dev/null
echo
livesop timers due "${store[@]}" --within 2w

# The history, mined.
echo
livesop mine variants "$demo/livesop.db" --steps
livesop mine map "$demo/livesop.db" --steps --svg "$demo/process-map.svg" >/dev/null
echo
livesop mine conformance "$demo/livesop.db" --model "$sop" \
  --process product-launch --method alignment

echo
echo "The manual of the example department is in $(pwd)/$out/:"
echo "  $out/marketing-ops.html  (open it in a browser)"
echo "  $out/marketing-ops.md    (diagrams in $out/diagrams/)"
echo "Two campaigns ran in $(pwd)/$demo/livesop.db; their process map is"
echo "  $demo/process-map.svg"
echo "and their calendar, to open in any calendar application, is"
echo "  $demo/calendar.ics"
