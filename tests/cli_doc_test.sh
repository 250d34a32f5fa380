#!/usr/bin/env bash
# End-to-end tests of the template library and campaign documents:
# `livesop template list|show|add-version|approve|retire` and `livesop doc
# add|show|diff|log`. Runs the real binary against a temporary SQLite store
# (its file store in files/ beside it) and the example SOP
# (examples/marketing-ops, process campaign-delivery): versions added and
# read back, bad input refused with nothing written, a word-level diff, an
# approval bound to the version current then, and a missing-template flag
# whose request is met when the template gets an approved version.
#
#   tests/cli_doc_test.sh BUILD/livesop SOURCE_DIR
#
# Prints one line per failure and, last, exactly one line "N passed, M
# failed"; exits 1 when anything failed. Needs python3, sha256sum and
# truncate.
set -uo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 LIVESOP_BINARY SOURCE_DIR" >&2
  exit 2
fi
livesop="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
source_dir="$(cd "$2" && pwd)"
example="${source_dir}/examples/marketing-ops/sop.yaml"
# shellcheck source=tests/lib.sh
source "${source_dir}/tests/lib.sh"

work_dir="$(mktemp -d "${TMPDIR:-/tmp}/livesop-cli-doc-test.XXXXXX")"
trap 'rm -rf "${work_dir}"' EXIT
cd "${work_dir}" || exit 2
unset LIVESOP_DB LIVESOP_SOP LIVESOP_FILES

store=(--db store.db --sop "${example}")
manager=intan-permata  # campaign-manager; owns the campaigns below
lead=bayu-setiawan     # campaign-lead: owns the campaign-brief template
outsider=dimas-saputra # neither owns the template nor its processes

# events CAMPAIGN EXPR: EXPR evaluated on the campaign's events (`ev`).
events() {
  "${livesop}" campaign show "$1" "${store[@]}" --events --json 2>/dev/null |
    py '(lambda ev: '"$2"')(d["events"])'
}

# work_events CAMPAIGN: how many events change the campaign (all but the
# records of refused commands).
work_events() {
  events "$1" 'len([e for e in ev if e["type"] != "command_refused"])'
}

# task_status CAMPAIGN TASK: the task's status in the tasks read model.
task_status() {
  "${livesop}" task list "${store[@]}" --campaign "$1" --json 2>/dev/null |
    py '[t["status"] for t in d["tasks"] if t["task"] == "'"$2"'"]'
}

# files_count: how many files the file store holds.
files_count() {
  find files -type f 2>/dev/null | wc -l | tr -d ' '
}

read -r today launch end <<<"$(python3 -c '
import datetime
t = datetime.datetime.now(datetime.timezone.utc).date()
print(t, t + datetime.timedelta(days=120), t + datetime.timedelta(days=150))')"
cat >request.json <<JSON
{
  "campaign_name": "Spring launch", "requester": "${manager}",
  "objective": "awareness", "target_audience": "Young professionals",
  "key_message": "Light, fast, yours", "strategic_outline": "Growth goal",
  "campaign_brief": "https://drive.example.com/brief",
  "channels": ["instagram"], "asset_needs": "Feed posts",
  "budget": 25000000, "cost_center": "CC-1234", "brief_date": "${today}",
  "launch_date": "${launch}", "end_date": "${end}",
  "timeline": "https://drive.example.com/timeline", "urgent": false
}
JSON

# submit ID: submits a product launch as the manager.
submit() {
  run campaign submit "${store[@]}" --type product-launch --title "$1" \
    --id "$1" --values request.json --as "${manager}"
  expect_eq "submit $1 exit" "${code}" 0
  [ "${code}" -eq 0 ] || echo "  output: ${out}"
}

# --- help ---------------------------------------------------------------------

for cmd in "template list" "template show" "template add-version" \
           "template approve" "template retire" "doc add" "doc show" \
           "doc diff" "doc log"; do
  # shellcheck disable=SC2086 # the command is two words
  run ${cmd} --help
  expect_eq "${cmd} --help exit" "${code}" 0
  expect_contains "${cmd} --help mentions exit codes" "${out}" "Exit codes"
done
run doc
expect_eq "doc without a subcommand exit" "${code}" 2

# --- the template library -----------------------------------------------------

run_json template list "${store[@]}" --json
expect_eq "template list exit" "${code}" 0
expect_eq "the brief template's approved version comes from the SOP" \
  "$(py '[(t["approved"], t["in_library"], len(t["versions"])) for t in d["templates"] if t["id"] == "campaign-brief"]' <<<"${out}")" \
  "[('2.1', False, 4)]"
run template list "${store[@]}"
expect_matches "template list as text" "${out}" '^campaign-brief +2\.1 +4 +sop'

printf 'PK\003\004 Campaign Brief Template 3.0 with a partner section\n' >brief-3.0.docx
brief_sha="$(sha256sum brief-3.0.docx | cut -d' ' -f1)"
run template add-version campaign-brief --version 3.0 --file brief-3.0.docx \
  --changes "Adds partner obligations" --as "${manager}" "${store[@]}"
expect_eq "template add-version exit" "${code}" 0
expect_contains "template add-version says what it added" "${out}" \
  "added draft 3.0 of template campaign-brief"
expect_true "the template's file is in the file store" \
  test -f "files/sha256/${brief_sha:0:2}/${brief_sha:2}"
run_json template show campaign-brief "${store[@]}" --json
expect_eq "the library holds the SOP's versions and the draft" \
  "$(py '(d["in_library"], d["approved"], [(v["version"], v["status"], v["from_sop"]) for v in d["versions"]][-2:])' <<<"${out}")" \
  "(True, '2.1', [('2.2', 'draft', True), ('3.0', 'draft', False)])"
expect_eq "the draft records its file" \
  "$(py '[(v["sha256"], v["file"], v["author"]) for v in d["versions"] if v["version"] == "3.0"]' <<<"${out}")" \
  "[('${brief_sha}', 'brief-3.0.docx', '${manager}')]"

run template add-version campaign-brief --version 3.0 --file brief-3.0.docx \
  --as "${manager}" "${store[@]}"
expect_eq "a version that exists is refused" "${code}" 1
expect_contains "and named" "${out}" "3.0"
run template add-version campaign-brif --version 4 --file brief-3.0.docx \
  --as "${manager}" "${store[@]}"
expect_eq "an unknown template is refused" "${code}" 1
expect_contains "with the closest id" "${out}" "campaign-brief"
run template add-version campaign-brief --version 4 --file missing.docx \
  --as "${manager}" "${store[@]}"
expect_eq "a missing file is refused" "${code}" 1
run template approve campaign-brief 3.0 --as "${outsider}" "${store[@]}"
expect_eq "someone who does not own the template may not approve" "${code}" 1
expect_contains "the refusal says who may" "${out}" "campaign-lead"
run template approve campaign-brief 9.9 --as "${lead}" "${store[@]}"
expect_eq "an unknown version is refused" "${code}" 1
expect_contains "listing the versions" "${out}" "2.1"

# Retiring the approved version leaves a task that needs the template
# without one: the new campaign's plan flags it to its owner.
run template retire campaign-brief 2.1 --as "${lead}" "${store[@]}"
expect_eq "template retire exit" "${code}" 0
expect_contains "no version is approved now" "${out}" "approved now: none"
run template retire campaign-brief 2.1 --as "${lead}" "${store[@]}"
expect_eq "retiring twice is refused" "${code}" 1
submit doc-2
expect_eq "the missing template is flagged" \
  "$(events doc-2 '[e["payload"]["template"] for e in ev if e["type"] == "template_missing"]')" \
  "['campaign-brief']"
expect_eq "its escalation chases the plan" \
  "$(task_status doc-2 'doc-2/plan#missing-template')" "['open']"

run template approve campaign-brief 3.0 --as "${lead}" "${store[@]}"
expect_eq "template approve exit" "${code}" 0
expect_contains "the approval is reported" "${out}" \
  "approved version 3.0 of template campaign-brief"
expect_contains "the request is met on the flagged campaign" "${out}" \
  "met on campaign doc-2"
expect_eq "the campaign records it" \
  "$(events doc-2 'len([e for e in ev if e["type"] == "template_provided"])')" "1"
expect_eq "and the escalation stops" \
  "$(task_status doc-2 'doc-2/plan#missing-template')" "['cancelled']"
expect_eq "the plan goes on" "$(task_status doc-2 'doc-2/plan')" "['open']"
run template approve campaign-brief 3.0 --as "${lead}" "${store[@]}"
expect_eq "approving twice is refused" "${code}" 1
submit doc-3
expect_eq "a new campaign finds the approved version" \
  "$(events doc-3 'len([e for e in ev if e["type"] == "template_missing"])')" "0"

# --- documents -----------------------------------------------------------------

submit doc-1
run doc add doc-1 brief --text "Peluncuran produk baru minggu depan." \
  --comment "first draft" --as "${manager}" "${store[@]}"
expect_eq "doc add exit" "${code}" 0
expect_contains "doc add says what it added" "${out}" \
  "added version 1 of document brief (brief) to campaign doc-1"
printf 'Peluncuran produk terbaru bulan depan!\n' >brief-v2.md
run_json doc add doc-1 brief --file brief-v2.md --comment "sharper" \
  --as "${manager}" "${store[@]}" --json
expect_eq "a text file is a text version" \
  "$(py '(d["version"]["version"], d["version"]["content"], d["version"]["name"])' <<<"${out}")" \
  "(2, 'text', 'brief-v2.md')"

run doc show doc-1 brief --version 1 "${store[@]}"
expect_eq "doc show exit" "${code}" 0
expect_contains "doc show prints the version's text" "${out}" \
  "Peluncuran produk baru minggu depan."
expect_contains "and its place" "${out}" "version 1 of 2, superseded"
run_json doc show doc-1 brief "${store[@]}" --json
expect_eq "the latest version by default" \
  "$(py '(d["version"]["version"], d["version"]["status"], d["text"])' <<<"${out}")" \
  "(2, 'draft', 'Peluncuran produk terbaru bulan depan!\\n')"

run doc diff doc-1 brief 1 v2 "${store[@]}"
expect_eq "doc diff exit" "${code}" 0
expect_contains "doc diff marks the words" "${out}" \
  "Peluncuran produk [-baru minggu-]{+terbaru bulan+} depan[-.-]{+!"
expect_contains "and counts them" "${out}" "3 words deleted, 3 inserted"
run_json doc diff doc-1 brief 1 2 "${store[@]}" --json
expect_eq "doc diff as JSON" \
  "$(py '[(r["op"], r["text"]) for r in d["runs"]][:2]' <<<"${out}")" \
  "[('equal', 'Peluncuran produk '), ('delete', 'baru minggu')]"

# Bad input: clear errors, nothing written.
before="$(work_events doc-1)"
files_before="$(files_count)"
run doc show doc-1 brief --version abc "${store[@]}"
expect_eq "a version that is not a number is refused" "${code}" 1
expect_contains "saying so" "${out}" "not a version number"
run doc show doc-1 brief --version 9 "${store[@]}"
expect_eq "an unknown version is refused" "${code}" 1
expect_contains "listing the versions" "${out}" "1 to 2"
run doc show doc-1 script "${store[@]}"
expect_eq "an unknown document is refused" "${code}" 1
expect_contains "listing the documents" "${out}" "its documents: brief"
run doc show nope brief "${store[@]}"
expect_eq "an unknown campaign is refused" "${code}" 1
expect_contains "naming it" "${out}" "no campaign nope"
run doc diff doc-1 brief 1 x "${store[@]}"
expect_eq "a diff of a version that is not a number is refused" "${code}" 1
run doc add doc-1 brief --text "" --as "${manager}" "${store[@]}"
expect_eq "empty text is refused" "${code}" 1
expect_contains "saying so" "${out}" "empty"
run doc add doc-1 brief --text "$(printf 'PNG\001\377\376')" --as "${manager}" \
  "${store[@]}"
expect_eq "a binary file given as text is refused" "${code}" 1
expect_contains "saying what it is" "${out}" "not UTF-8 text"
truncate -s 201M big.bin
run doc add doc-1 video --file big.bin --as "${manager}" "${store[@]}"
expect_eq "a file over the limit is refused" "${code}" 1
expect_contains "naming the limit" "${out}" "the file store accepts"
run doc add doc-1 brief --as "${manager}" "${store[@]}"
expect_eq "neither text nor a file is a usage error" "${code}" 2
run doc add doc-1 brief --text a --file brief-v2.md --as "${manager}" \
  "${store[@]}"
expect_eq "both text and a file is a usage error" "${code}" 2
run doc add doc-1 brief --text "x" --kind copy --as "${manager}" "${store[@]}"
expect_eq "a kind that changes is refused" "${code}" 1
run doc add nope brief --text "x" --as "${manager}" "${store[@]}"
expect_eq "a version for an unknown campaign is refused" "${code}" 1
expect_eq "nothing was written" "$(work_events doc-1)" "${before}"
expect_eq "no file was stored" "$(files_count)" "${files_before}"

# A binary file goes to the file store.
printf '\211PNG\r\n\032\n\000\000\000\rIHDR' >banner.png
banner_sha="$(sha256sum banner.png | cut -d' ' -f1)"
run_json doc add doc-1 banner --file banner.png --kind other \
  --as "${manager}" "${store[@]}" --json
expect_eq "a binary file is a file version" \
  "$(py '(d["version"]["content"], d["version"]["sha256"], d["kind"])' <<<"${out}")" \
  "('file', '${banner_sha}', 'other')"
run doc show doc-1 banner "${store[@]}"
expect_contains "doc show says where the file is" "${out}" \
  "files/sha256/${banner_sha:0:2}/${banner_sha:2}"
run doc diff doc-1 banner 1 1 "${store[@]}"
expect_eq "files that are not text are not compared" "${code}" 1

# An approval binds the version current then.
run task complete doc-1 plan --as "${manager}" "${store[@]}"
expect_eq "plan completed" "${code}" 0
run task approve doc-1 internal-review --as "${lead}" "${store[@]}"
expect_eq "internal review approved" "${code}" 0
run_json doc show doc-1 brief --version 2 "${store[@]}" --json
expect_eq "the approved version is bound to the review" \
  "$(py '(d["version"]["status"], [(a["step"], a["by"]) for a in d["version"]["approvals"]])' <<<"${out}")" \
  "('approved', [('internal-review', '${lead}')])"
expect_eq "the decision names the versions" \
  "$(events doc-1 '[e["payload"]["documents"] for e in ev if e["type"] == "approval_decided"]')" \
  "[[{'document': 'banner', 'version': 1}, {'document': 'brief', 'version': 2}]]"

# --- the revision log -----------------------------------------------------------

run doc log doc-1 "${store[@]}"
expect_eq "doc log exit" "${code}" 0
expect_contains "the log lists a version" "${out}" \
  "added by ${manager} (text, 36 bytes): first draft"
expect_contains "and the approval bound to it" "${out}" \
  "approved by ${lead} (campaign-lead) at internal-review; the step is approved: this version is locked"
run_json doc log doc-1 "${store[@]}" --json
expect_eq "doc log as JSON, in time order" \
  "$(py '[(e["kind"], e["subject"], e["document"], e["version"]) for e in d["entries"]]' <<<"${out}")" \
  "[('version', 'document', 'brief', 1), ('version', 'document', 'brief', 2), ('version', 'document', 'banner', 1), ('decision', 'document', 'banner', 1), ('decision', 'document', 'brief', 2)]"
run doc log nope "${store[@]}"
expect_eq "the log of an unknown campaign is refused" "${code}" 1
run doc log doc-3 "${store[@]}"
expect_contains "a campaign without documents or assets says so" "${out}" \
  "has no documents or assets yet"

finish
