#!/usr/bin/env bash
# End-to-end tests of SOP versions with running campaigns: campaigns run on
# the version published when they started, publishing a new version moves
# none of them, and `livesop sop migrate` moves one with a checked mapping.
#
#   tests/cli_migrate_test.sh BUILD/livesop SOURCE_DIR
set -uo pipefail

# shellcheck source=tests/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
take_args "$@"

enter_work_dir cli-migrate-test

# Version 2.0.0 of the example: the internal review is renamed.
cp -r "${source_dir}/examples/marketing-ops" v1
cp -r "${source_dir}/examples/marketing-ops" v2
sed -i 's/^  version: .*/  version: "2.0.0"/' v2/sop.yaml
sed -i 's/internal-review/brief-review/g' v2/*.yaml

read -r today launch end <<<"$(python3 -c '
import datetime
t = datetime.datetime.now(datetime.timezone.utc).date()
print(t, t + datetime.timedelta(days=120), t + datetime.timedelta(days=150))')"
cat >request.json <<JSON
{
  "campaign_name": "Spring launch", "requester": "intan-permata",
  "objective": "awareness", "target_audience": "Young professionals",
  "key_message": "Light, fast, yours", "strategic_outline": "Growth goal",
  "campaign_brief": "https://drive.example.com/brief",
  "channels": ["instagram"], "asset_needs": "Feed posts",
  "budget": 25000000, "cost_center": "CC-1234", "brief_date": "${today}",
  "launch_date": "${launch}", "end_date": "${end}",
  "timeline": "https://drive.example.com/timeline", "urgent": false
}
JSON
db=(--db store.db)
submit() {
  run campaign submit "${db[@]}" --type product-launch --title "$1" --id "$1" \
    --values request.json --as intan-permata
}
version_of() {
  "${livesop}" campaign show "$1" "${db[@]}" --json 2>/dev/null | py 'd["sop_version"]'
}

# Nothing published and no --sop: a clear refusal.
submit early
expect_eq "no SOP exit" "${code}" 2
expect_contains "no SOP says how" "${out}" "livesop sop publish"

run sop publish v1/sop.yaml "${db[@]}" --as ratna-wijaya
expect_eq "publish 1.0.0 exit" "${code}" 0
submit c-old
expect_eq "submit on the published version exit" "${code}" 0
expect_eq "runs on 1.0.0" "$(version_of c-old)" "1.0.0"
run task complete c-old plan "${db[@]}" --as intan-permata
expect_eq "plan done on 1.0.0" "${code}" 0

# A file claiming a published version with other content is refused.
sed 's/^  version: .*/  version: 1.0.0/' v2/sop.yaml >v2/fake.yaml
run task complete c-old internal-review "${db[@]}" --sop v2/fake.yaml --as intan-permata
expect_eq "contradicting file exit" "${code}" 1
expect_contains "contradicting file says why" "${out}" "published with other content"
rm v2/fake.yaml

run sop publish v2/sop.yaml "${db[@]}" --as ratna-wijaya
expect_eq "publish 2.0.0 exit" "${code}" 0
submit c-new
expect_eq "submit on 2.0.0 exit" "${code}" 0
expect_eq "new campaigns run on 2.0.0" "$(version_of c-new)" "2.0.0"
# The running campaign did not move: its review keeps its 1.0.0 name.
expect_eq "the old campaign stays on 1.0.0" "$(version_of c-old)" "1.0.0"
run_json campaign show c-old "${db[@]}" --json
expect_eq "the old campaign still awaits internal-review" \
  "$(py '[a["step"] for a in d["awaited"]]' <<<"${out}")" "['internal-review']"

# Migration: without a mapping the renamed step does not map.
run sop migrate c-old --to 2.0.0 "${db[@]}" --as sari-kusuma
expect_eq "unmapped migration exit" "${code}" 1
expect_contains "unmapped step named" "${out}" "internal-review"
expect_contains "how to map it" "${out}" "internal-review=STEP"
expect_eq "nothing moved" "$(version_of c-old)" "1.0.0"
run sop migrate c-old --to 2.0.0 --map internal-review "${db[@]}" --as sari-kusuma
expect_eq "bad --map exit" "${code}" 2
run sop migrate c-old --to 2.0.0 --map internal-review=brief-review \
  "${db[@]}" --as tika-rahayu
expect_eq "migration by someone else exit" "${code}" 1
expect_contains "migration by someone else says who may" "${out}" "process owner"
run sop migrate c-old --to 9.9 "${db[@]}" --as sari-kusuma
expect_eq "unknown version exit" "${code}" 1
run_json sop migrate c-old --to 2.0.0 --map internal-review=brief-review \
  --dry-run "${db[@]}" --as sari-kusuma --json
expect_eq "dry run exit" "${code}" 0
expect_eq "dry run maps" "$(py 'd["ok"] and not d["applied"]' <<<"${out}")" "True"
expect_eq "dry run moves nothing" "$(version_of c-old)" "1.0.0"
run sop migrate c-old --to 2.0.0 --map internal-review=brief-review \
  --reason "review renamed" "${db[@]}" --as sari-kusuma
expect_eq "migration exit" "${code}" 0
expect_contains "migration reports the mapping" "${out}" "internal-review -> brief-review"
expect_eq "the campaign runs on 2.0.0" "$(version_of c-old)" "2.0.0"
run_json campaign show c-old "${db[@]}" --json
expect_eq "it awaits the renamed review" \
  "$(py '[a["step"] for a in d["awaited"]]' <<<"${out}")" "['brief-review']"
run task approve c-old brief-review "${db[@]}" --as bayu-setiawan
expect_eq "the renamed review is decided" "${code}" 0
run sop migrate c-old --to 2.0.0 "${db[@]}" --as sari-kusuma
expect_eq "migrating to its own version exit" "${code}" 1

finish
