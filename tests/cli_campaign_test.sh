#!/usr/bin/env bash
# End-to-end tests of `livesop campaign …` and `livesop task …`: runs the real
# binary against a temporary SQLite store and the example SOP
# (examples/marketing-ops), and walks campaigns through their process with
# the people the SOP gives each role: one to completion, one rejection, one
# round of change requests, one cancellation, and every refusal.
#
#   tests/cli_campaign_test.sh BUILD/livesop SOURCE_DIR
#
# Prints one line per failure (on standard output, so the summary stays last
# when the streams are merged) and, last, exactly one line "N passed, M failed";
# exits 1 when anything failed. Needs python3 to read the JSON outputs.
set -uo pipefail

# shellcheck source=tests/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
take_args "$@"
example="${source_dir}/examples/marketing-ops/sop.yaml"
invalid="${source_dir}/testdata/sop/invalid/unknown-key-step.yaml"

enter_work_dir cli-campaign-test

store=(--db store.db --sop "${example}")

# open_tasks CAMPAIGN: the campaign's open tasks as sorted "step/role" words.
open_tasks() {
  "${livesop}" task list "${store[@]}" --campaign "$1" --status open --json \
    2>/dev/null |
    py '" ".join(sorted(t["step"] + "/" + t["role"] for t in d["tasks"]))'
}

# status_of CAMPAIGN: its status in the campaigns read model.
status_of() {
  "${livesop}" campaign list "${store[@]}" --json 2>/dev/null |
    py '[c["status"] for c in d["campaigns"] if c["campaign"] == "'"$1"'"]'
}

# total_events: how many events the store holds.
total_events() {
  "${livesop}" db status --db store.db 2>/dev/null | sed -n 's/^events: //p'
}

# work_events CAMPAIGN: how many of its events change its state (every event
# but the record of a refused command).
work_events() {
  "${livesop}" campaign show "$1" "${store[@]}" --events --json 2>/dev/null |
    py 'len([e for e in d["events"] if e["type"] != "command_refused"])'
}

# act NAME EXPECTED_OPEN_TASKS ARGS...: runs a task command that must
# succeed, then checks the campaign's open tasks.
act() {
  local name="$1" expected="$2"
  shift 2
  run task "$@" "${store[@]}"
  expect_eq "${name} exit" "${code}" 0
  [ "${code}" -eq 0 ] || echo "  output: ${out}"
  expect_eq "${name}: open tasks" "$(open_tasks "$2")" "${expected}"
}

# tick_all NAME CAMPAIGN STEP: ticks every item the checklist step awaits,
# each as the first person `campaign show` names for it, then checks that no
# item is awaited any more.
tick_all() {
  local name="$1" campaign="$2" step="$3" item person
  while read -r item person; do
    [ -n "${item}" ] || continue
    if [ "${item}" == "ERROR:" ]; then
      fail "${name}: campaign show --json gave no awaited items"
      break
    fi
    run task tick "${campaign}" "${step}" "${item}" --as "${person}" "${store[@]}"
    expect_eq "${name}: tick ${item} as ${person} exit" "${code}" 0
  done <<<"$("${livesop}" campaign show "${campaign}" "${store[@]}" --json 2>/dev/null |
    py '"\n".join(a["item"] + " " + a["people"][0] for a in d["awaited"] if a["step"] == "'"${step}"'" and a["item"])')"
  expect_eq "${name}: every item ticked" \
    "$("${livesop}" campaign show "${campaign}" "${store[@]}" --json 2>/dev/null |
      py '[a["item"] for a in d["awaited"] if a["item"]]')" "[]"
}

# A complete, valid Campaign Request Form: launch four months out (clear of
# every lead time and date rule), a small budget, no fast track.
read -r today launch end <<<"$(python3 -c '
import datetime
t = datetime.datetime.now(datetime.timezone.utc).date()
print(t, t + datetime.timedelta(days=120), t + datetime.timedelta(days=150))')"
cat >request.json <<EOF
{
  "campaign_name": "Spring launch",
  "requester": "intan-permata",
  "objective": "awareness",
  "target_audience": "Young professionals in Jakarta",
  "key_message": "Light, fast, yours",
  "strategic_outline": "Supports the growth goal of the quarter",
  "campaign_brief": "https://drive.example.com/brief",
  "channels": ["email"],
  "asset_needs": "Instagram feed 1080x1350 JPG",
  "budget": 900000000,
  "cost_center": "CC-1234",
  "brief_date": "${today}",
  "launch_date": "${launch}",
  "end_date": "${end}",
  "timeline": "https://drive.example.com/timeline",
  "urgent": true
}
EOF
# Overridden by --field below: a small budget on Instagram, not urgent. That
# also checks that --field replaces what --values holds.
fields=(--field budget=25000000 --field channels=instagram --field urgent=no)

# --- help -------------------------------------------------------------------

for cmd in "campaign submit" "campaign show" "campaign list" "campaign cancel" \
           "task list" "task complete" "task tick" "task approve" "task reject" \
           "task request-changes"; do
  # shellcheck disable=SC2086 # the command is two words
  run ${cmd} --help
  expect_eq "${cmd} --help exit" "${code}" 0
  expect_contains "${cmd} --help mentions exit codes" "${out}" "Exit codes"
done
run campaign
expect_eq "campaign without a subcommand exit" "${code}" 2
run task frobnicate
expect_eq "unknown task subcommand exit" "${code}" 2

# --- checking a request -----------------------------------------------------

run campaign submit "${store[@]}" --type product-launch --title "Spring launch" \
  --values request.json "${fields[@]}" --check-only
expect_eq "check-only of a complete request exit" "${code}" 0
expect_contains "check-only says complete" "${out}" "the request is complete"
expect_eq "check-only writes nothing" "$(total_events)" 0
# The route preview: the standard route for a small budget, not urgent.
expect_contains "check-only shows the route" "${out}" "route (campaign-delivery):"
expect_contains "check-only shows the gateway decision" "${out}" "branch 'Standard route'"
expect_contains "check-only gives the earliest launch" "${out}" "earliest launch: "
run_json campaign submit "${store[@]}" --type product-launch --title "Spring launch" \
  --values request.json "${fields[@]}" --check-only --json
expect_eq "check-only JSON route" \
  "$(py '[s["step"] for s in d["preview"]["steps"]][:2] + [("fast-track-approval" in [s["step"] for s in d["preview"]["steps"]])]' <<<"${out}")" \
  "['plan', 'internal-review', False]"
# The requested launch is judged against the earliest: feasible exactly
# when not before it (and a working day outside freezes).
expect_eq "check-only JSON requested launch judged" \
  "$(py 'd["preview"]["requested_launch"]["date"] == "'"${launch}"'" and (d["preview"]["requested_launch"]["feasible"] <= (d["preview"]["requested_launch"]["date"] >= d["preview"]["earliest_launch"]))' <<<"${out}")" "True"

run_json campaign submit "${store[@]}" --type product-launch --title "Spring launch" \
  --values request.json "${fields[@]}" --field budget= --field cost_center=CC-12 \
  --check-only --json
expect_eq "check-only of an incomplete request exit" "${code}" 1
expect_eq "check-only --json lists each problem by field" \
  "$(py '[(p["field"], p["code"]) for p in d["intake"]["problems"]]' <<<"${out}")" \
  "[('budget', 'required'), ('cost_center', 'pattern')]"
expect_eq "check-only --json submits nothing" \
  "$(py '(d["ok"], d["submitted"])' <<<"${out}")" "(False, False)"

# --- refused submissions write nothing ----------------------------------------

run campaign submit "${store[@]}" --type webinar --title "X" --as intan-permata
expect_eq "unknown type exit" "${code}" 1
expect_contains "unknown type is named" "${out}" 'unknown campaign type "webinar"'
expect_contains "unknown type lists the types" "${out}" \
  "product-launch, event, seasonal, always-on, partnership"

run campaign submit "${store[@]}" --type product-launch --title "Spring launch" \
  --values request.json "${fields[@]}" --field budget= --field timeline= \
  --as intan-permata
expect_eq "missing required fields exit" "${code}" 1
expect_contains "missing budget is reported by field" "${out}" \
  "budget: Total campaign budget is required. [required]"
expect_contains "missing timeline is reported by field" "${out}" \
  "timeline: Timeline (milestones) is required. [required]"
expect_contains "refusal counts the problems" "${out}" "(2 problems)"

run campaign submit "${store[@]}" --type product-launch --title "Spring launch" \
  --values request.json --field budgte=5 --as intan-permata
expect_eq "unknown field exit" "${code}" 1
expect_contains "unknown field is named" "${out}" 'unknown field "budgte"'
expect_contains "unknown field gets a suggestion" "${out}" 'did you mean "budget"?'
expect_contains "unknown field lists the fields" "${out}" \
  "the fields are campaign_name, campaign_code, requester"

run campaign submit "${store[@]}" --type product-launch --title "Spring launch" \
  --values request.json --field budget=lots --as intan-permata
expect_eq "a budget that is not a number exit" "${code}" 1
expect_contains "a budget that is not a number is named" "${out}" \
  'field "budget" (money) takes a number'

run campaign submit "${store[@]}" --type product-launch --title "Spring launch" \
  --values request.json --field urgent=maybe --as intan-permata
expect_eq "a boolean that is not one exit" "${code}" 1
expect_contains "a boolean that is not one is named" "${out}" 'field "urgent" (boolean)'

run campaign submit "${store[@]}" --type product-launch --title "Spring launch" \
  --field budget --as intan-permata
expect_eq "--field without = exit" "${code}" 2
expect_contains "--field without = says how" "${out}" "--field takes KEY=VALUE"

echo '{"budget": 5,' >broken.json
run campaign submit "${store[@]}" --type product-launch --title "X" \
  --values broken.json --as intan-permata
expect_eq "malformed JSON values exit" "${code}" 1
expect_contains "malformed JSON values named" "${out}" "broken.json: not valid JSON"
echo '["budget"]' >array.json
run campaign submit "${store[@]}" --type product-launch --title "X" \
  --values array.json --as intan-permata
expect_eq "JSON values that are not an object exit" "${code}" 1
expect_contains "JSON values that are not an object say so" "${out}" "one JSON object"
run campaign submit "${store[@]}" --type product-launch --title "X" \
  --values missing.json --as intan-permata
expect_eq "missing values file exit" "${code}" 2
run campaign submit "${store[@]}" --type product-launch --title "X" \
  --values . --as intan-permata
expect_eq "a directory as values file exit" "${code}" 2

run campaign submit "${store[@]}" --type product-launch --title "Spring launch" \
  --values request.json "${fields[@]}" --as nobody
expect_eq "unknown person submits exit" "${code}" 1
expect_contains "unknown person is refused" "${out}" '"nobody" is not a person of the SOP'

run campaign submit "${store[@]}" --type product-launch --title "Spring launch" \
  --values request.json "${fields[@]}"
expect_eq "submit without --as exit" "${code}" 2
expect_contains "submit without --as says so" "${out}" "--as PERSON is required"

run campaign submit --db store.db --type product-launch --title "X" \
  --values request.json --as intan-permata
expect_eq "no --sop exit" "${code}" 2
expect_contains "no --sop says so" "${out}" "pass --sop PATH"
run campaign submit --db store.db --sop missing.yaml --type product-launch \
  --title "X" --values request.json --as intan-permata
expect_eq "missing SOP file exit" "${code}" 2
run campaign submit --db store.db --sop "${invalid}" --type product-launch \
  --title "X" --values request.json --as intan-permata
expect_eq "invalid SOP exit" "${code}" 1
expect_contains "invalid SOP says so" "${out}" "is invalid"

echo "campaign notes" >notes.txt
run campaign list --db notes.txt
expect_eq "a text file as store exit" "${code}" 3
expect_eq "a text file as store is untouched" "$(cat notes.txt)" "campaign notes"

expect_eq "refused submissions wrote nothing" "$(total_events)" 0
run campaign list "${store[@]}"
expect_eq "empty list exit" "${code}" 0
expect_eq "empty list" "${out}" "no campaigns"

# --- submitting ---------------------------------------------------------------

run_json campaign submit "${store[@]}" --type product-launch --title "Spring launch" \
  --id launch-1 --values request.json "${fields[@]}" --as intan-permata --json
expect_eq "submit --json exit" "${code}" 0
expect_eq "submit --json result" \
  "$(py '(d["ok"], d["campaign"], d["status"], d["owner"], d["sop_version"])' <<<"${out}")" \
  "(True, 'launch-1', 'active', 'intan-permata', '1.0.0')"
expect_eq "submit --json says what comes next" \
  "$(py '[(a["step"], a["action"], a["role"]) for a in d["awaited"]]' <<<"${out}")" \
  "[('plan', 'complete', 'campaign-manager')]"
expect_eq "after submit: open tasks" "$(open_tasks launch-1)" "plan/campaign-manager"

run campaign submit "${store[@]}" --type product-launch --title "Spring launch" \
  --id launch-1 --values request.json "${fields[@]}" --as intan-permata
expect_eq "submit with an id in use exit" "${code}" 1
expect_contains "submit with an id in use says so" "${out}" "exists already"

run campaign submit "${store[@]}" --type product-launch --title "Spring Launch 2026!" \
  --values request.json "${fields[@]}" --as intan-permata
expect_eq "submit without --id exit" "${code}" 0
expect_matches "an id is made from the title" "${out}" \
  "^submitted campaign spring-launch-2026-[a-z0-9]{5}: "
generated="$(sed -nE 's/^submitted campaign ([a-z0-9-]+):.*/\1/p' <<<"${out}")"
expect_contains "submit says what comes next" "${out}" \
  "plan (Plan the campaign and write the brief): complete, role campaign-manager"

for id in reject-1 changes-1; do
  run campaign submit "${store[@]}" --type product-launch --title "Campaign ${id}" \
    --id "${id}" --values request.json "${fields[@]}" --as intan-permata
  expect_eq "submit ${id} exit" "${code}" 0
done

run campaign list "${store[@]}"
expect_eq "list exit" "${code}" 0
expect_matches "list shows the campaign" "${out}" \
  "^launch-1 +active +product-launch +intan-permata +[0-9-]+ +Spring launch$"
run_json campaign list "${store[@]}" --status active --json
expect_eq "list --status active counts four" "$(py 'len(d["campaigns"])' <<<"${out}")" 4
run campaign list "${store[@]}" --type event
expect_eq "list --type event" "${out}" "no campaigns"
run campaign list "${store[@]}" --status paused
expect_eq "list --status with an unknown status exit" "${code}" 2

# --- one campaign from start to completion --------------------------------------

before="$(work_events launch-1)"
expect_matches "the events of a campaign are counted" "${before}" '^[0-9]+$'
run task complete launch-1 plan --as larasati-putri "${store[@]}"
expect_eq "the wrong person completes exit" "${code}" 1
expect_contains "the wrong person is told whose step it is" "${out}" \
  "larasati-putri may not complete plan: it belongs to role campaign-manager"
expect_eq "the wrong person changed nothing" "$(work_events launch-1)" "${before}"
expect_eq "the wrong person left the task open" "$(open_tasks launch-1)" "plan/campaign-manager"

run task complete launch-1 plan --as nobody "${store[@]}"
expect_eq "an unknown person completes exit" "${code}" 1
expect_eq "an unknown person changed nothing" "$(work_events launch-1)" "${before}"

act "plan" "internal-review/campaign-lead" complete launch-1 plan --as intan-permata

run_json task list "${store[@]}" --mine --as bayu-setiawan --json
expect_eq "the reviewer's tasks hold the review" \
  "$(py '[t["step"] for t in d["tasks"] if t["campaign"] == "launch-1"]' <<<"${out}")" \
  "['internal-review']"
run_json task list "${store[@]}" --mine --as larasati-putri --json
expect_eq "someone without the role has no such task" \
  "$(py 'len(d["tasks"])' <<<"${out}")" 0

run task complete launch-1 submit-request --as intan-permata "${store[@]}"
expect_eq "completing a step not reached yet exit" "${code}" 1
expect_matches "a step not reached yet is named" "${out}" \
  "step submit-request of campaign launch-1 is not (active|reached yet)"

act "internal review" "submit-request/campaign-manager" \
  approve launch-1 internal-review --as bayu-setiawan

run task approve launch-1 submit-request --as intan-permata "${store[@]}"
expect_eq "approving a task exit" "${code}" 1
expect_contains "approving a task says it is completed" "${out}" "is completed, not decided"
run task complete launch-1 plan --as intan-permata "${store[@]}"
expect_eq "completing a finished step exit" "${code}" 1
expect_matches "a finished step is not active" "${out}" \
  "step plan of campaign launch-1 is (not active|finished)"

act "submit request" "completeness-check/marketing-ops-specialist" \
  complete launch-1 submit-request --as intan-permata

run task complete launch-1 completeness-check --as dimas-saputra "${store[@]}"
expect_eq "completing a review exit" "${code}" 1
expect_contains "completing a review says it is decided" "${out}" "is decided, not completed"

act "completeness check" \
  "campaign-approval/brand-manager campaign-approval/campaign-lead campaign-approval/product-marketing-manager" \
  approve launch-1 completeness-check --as dimas-saputra

run campaign show launch-1 "${store[@]}"
expect_eq "show exit" "${code}" 0
expect_contains "show has the status" "${out}" "status       active"
expect_contains "show has the owner" "${out}" "owner        intan-permata"
expect_contains "show has the approval under way" "${out}" "approvals under way:"
expect_contains "show has the awaited approver" "${out}" "brand-manager: awaited"
expect_contains "show has who may decide" "${out}" \
  "campaign-approval (Campaign approval): decide, role brand-manager: larasati-putri"

act "brand approval" \
  "campaign-approval/campaign-lead campaign-approval/product-marketing-manager" \
  approve launch-1 campaign-approval --as larasati-putri --comment "On brand"
run_json campaign show launch-1 "${store[@]}" --json
expect_eq "show --json has the decision in its group" \
  "$(py '[(r["role"], r["decision"], r.get("person")) for a in d["approvals"] for g in a["groups"] if g["rule"] == "brand-fit" for r in g["roles"]]' <<<"${out}")" \
  "[('brand-manager', 'approve', 'larasati-putri')]"
expect_eq "show --json lists the decisions so far" \
  "$(py '[(x["step"], x["person"], x["decision"], x["comment"]) for x in d["decisions"]][-1]' <<<"${out}")" \
  "('campaign-approval', 'larasati-putri', 'approve', 'On brand')"

run task approve launch-1 campaign-approval --as larasati-putri "${store[@]}"
expect_eq "deciding twice exit" "${code}" 1
expect_matches "deciding twice names who is awaited" "${out}" \
  "may not decide campaign-approval now.*campaign-lead.*product-marketing-manager"

act "lead approval" "campaign-approval/product-marketing-manager" \
  approve launch-1 campaign-approval --as bayu-setiawan
act "product approval" "design-request/campaign-manager write-copy/copywriter" \
  approve launch-1 campaign-approval --as hendra-gunawan
act "copy" "design-request/campaign-manager peer-review/content-lead" \
  complete launch-1 write-copy --as anisa-fitriani
act "peer review" "design-request/campaign-manager final-edits/copywriter" \
  approve launch-1 peer-review --as yoga-prasetyo
act "final edits" "design-request/campaign-manager" \
  complete launch-1 final-edits --as reza-maulana
act "design request" "designer-kickoff/creative-lead" \
  complete launch-1 design-request --as intan-permata
act "kickoff" "asset-production/graphic-designer" \
  complete launch-1 designer-kickoff --as galih-ramadhan
act "assets" "asset-spec-check/creative-lead" \
  complete launch-1 asset-production --as wulan-sari
act "asset check" "content-approval/content-lead" \
  approve launch-1 asset-spec-check --as galih-ramadhan
act "content approval" "pre-launch/campaign-manager" \
  approve launch-1 content-approval --as yoga-prasetyo
# A decision on a step not reached yet is held for it.
run task approve launch-1 performance-review --as bayu-setiawan "${store[@]}"
expect_eq "an early decision exit" "${code}" 0
expect_contains "an early decision is held" "${out}" "the decision is held"
expect_eq "an early decision leaves the work where it was" \
  "$(open_tasks launch-1)" "pre-launch/campaign-manager"
run_json campaign show launch-1 "${store[@]}" --json
expect_eq "show --json has the held decision" \
  "$(py '[(h["step"], h["person"], h["decision"]) for h in d["held"]]' <<<"${out}")" \
  "[('performance-review', 'bayu-setiawan', 'approve')]"

run task complete launch-1 pre-launch --as intan-permata "${store[@]}"
expect_eq "completing a checklist with items not ticked exit" "${code}" 1
expect_contains "the items not ticked are named" "${out}" "content-final"
run task tick launch-1 pre-launch content-final --as wulan-sari "${store[@]}"
expect_eq "ticking someone else's item exit" "${code}" 1
expect_contains "ticking someone else's item is refused" "${out}" \
  "wulan-sari may not tick content-final"
run task tick launch-1 pre-launch no-such-item --as intan-permata "${store[@]}"
expect_eq "ticking an unknown item exit" "${code}" 1
tick_all "pre-launch" launch-1 pre-launch
act "pre-launch" "launch-day/campaign-manager" \
  complete launch-1 pre-launch --as intan-permata
tick_all "launch day" launch-1 launch-day
# The go-live announcement goes out by itself; the live period is a wait,
# the campaign owner's (or the process owner's role's) to end.
act "launch day" "live-period/" complete launch-1 launch-day --as intan-permata
run task complete launch-1 live-period --as anisa-fitriani "${store[@]}"
expect_eq "someone else ends the wait exit" "${code}" 1
expect_contains "the wait belongs to the owner" "${out}" "may not complete live-period"
act "live period" "post-launch/campaign-manager" \
  complete launch-1 live-period --as intan-permata
tick_all "post-launch" launch-1 post-launch
act "post-launch" "reporting/marketing-analyst" \
  complete launch-1 post-launch --as intan-permata
# The report reaches the performance review, which the held approval
# decides at once.
run task complete launch-1 reporting --as fajar-nugroho "${store[@]}"
expect_eq "report exit" "${code}" 0
expect_contains "the held approval ends the campaign" "${out}" \
  "campaign launch-1 is now completed"

expect_eq "completed: status" "$(status_of launch-1)" "['completed']"
expect_eq "completed: no open tasks" "$(open_tasks launch-1)" ""
run task complete launch-1 reporting --as fajar-nugroho "${store[@]}"
expect_eq "acting on a completed campaign exit" "${code}" 1
expect_contains "a completed campaign has ended" "${out}" "has ended (completed)"

run campaign show launch-1 "${store[@]}" --events
expect_eq "show --events exit" "${code}" 0
expect_contains "show of a completed campaign" "${out}" "status       completed"
expect_contains "show of a completed campaign has no open task" "${out}" "open tasks: none"
expect_contains "show --events has the history" "${out}" "history:"
expect_matches "show --events lists the end" "${out}" "campaign_completed"
expect_matches "show --events lists the notification" "${out}" \
  "notification_sent +go-live-announcement"
run_json campaign show launch-1 "${store[@]}" --events --json
expect_eq "show --events --json lists every event" \
  "$(py 'len(d["events"]) == d["event_count"] and d["events"][-1]["type"]' <<<"${out}")" \
  "campaign_completed"
run_json task list "${store[@]}" --campaign launch-1 --status done --json
expect_eq "every done task of the campaign" \
  "$(py 'len(d["tasks"])' <<<"${out}")" 21

# --- a rejection ----------------------------------------------------------------

act "reject-1 plan" "internal-review/campaign-lead" \
  complete reject-1 plan --as intan-permata
act "reject-1 review" "submit-request/campaign-manager" \
  approve reject-1 internal-review --as bayu-setiawan
act "reject-1 submit" "completeness-check/marketing-ops-specialist" \
  complete reject-1 submit-request --as intan-permata
act "reject-1 check" \
  "campaign-approval/brand-manager campaign-approval/campaign-lead campaign-approval/product-marketing-manager" \
  approve reject-1 completeness-check --as putri-lestari
run task reject reject-1 campaign-approval --as larasati-putri "${store[@]}"
expect_eq "reject without --comment exit" "${code}" 2
run task reject reject-1 campaign-approval --as larasati-putri --comment "  " "${store[@]}"
expect_eq "reject with a blank comment exit" "${code}" 2
expect_contains "reject with a blank comment says why" "${out}" "--comment TEXT is required"
expect_eq "reject without a comment changed nothing" "$(open_tasks reject-1)" \
  "campaign-approval/brand-manager campaign-approval/campaign-lead campaign-approval/product-marketing-manager"
run task reject reject-1 campaign-approval --as larasati-putri \
  --comment "Off brand: the colours" "${store[@]}"
expect_eq "reject exit" "${code}" 0
expect_contains "reject says the campaign is rejected" "${out}" \
  "campaign reject-1 is now rejected"
expect_eq "rejected: status" "$(status_of reject-1)" "['rejected']"
# The SOP may escalate a rejection (a task of its own); no approver is
# asked any more.
expect_not_contains "rejected: no approver is asked any more" \
  "$(open_tasks reject-1)" "campaign-approval/campaign-lead"
expect_not_contains "rejected: no product approver is asked any more" \
  "$(open_tasks reject-1)" "campaign-approval/product-marketing-manager"
run_json task list "${store[@]}" --campaign reject-1 --status cancelled --json
expect_eq "rejected: the other approvers are asked no more" \
  "$(py 'sorted(t["role"] for t in d["tasks"])' <<<"${out}")" \
  "['campaign-lead', 'product-marketing-manager']"
run campaign show reject-1 "${store[@]}"
expect_contains "show has the rejection with its comment" "${out}" \
  'rejected by larasati-putri (brand-manager): "Off brand: the colours"'

# --- a changes request loop ---------------------------------------------------

act "changes-1 plan" "internal-review/campaign-lead" \
  complete changes-1 plan --as intan-permata
run task request-changes changes-1 internal-review --as bayu-setiawan "${store[@]}"
expect_eq "request-changes without --comment exit" "${code}" 2
act "changes-1 back to plan" "plan/campaign-manager" \
  request-changes changes-1 internal-review --as bayu-setiawan --comment "Name the audience"
run_json task list "${store[@]}" --campaign changes-1 --json
expect_eq "the review is done with its decision" \
  "$(py '[(t["status"], t["decision"], t["completed_by"]) for t in d["tasks"] if t["step"] == "internal-review"]' <<<"${out}")" \
  "[('done', 'request_changes', 'bayu-setiawan')]"
act "changes-1 plan again" "internal-review/campaign-lead" \
  complete changes-1 plan --as rizky-hidayat
act "changes-1 review again" "submit-request/campaign-manager" \
  approve changes-1 internal-review --as bayu-setiawan
act "changes-1 submit" "completeness-check/marketing-ops-specialist" \
  complete changes-1 submit-request --as intan-permata
act "changes-1 incomplete" "submit-request/campaign-manager" \
  request-changes changes-1 completeness-check --as dimas-saputra --comment "Attach the timeline"
act "changes-1 resubmit" "completeness-check/marketing-ops-specialist" \
  complete changes-1 submit-request --as intan-permata
act "changes-1 complete" \
  "campaign-approval/brand-manager campaign-approval/campaign-lead campaign-approval/product-marketing-manager" \
  approve changes-1 completeness-check --as dimas-saputra
act "changes-1 approval sends it back" "plan/campaign-manager" \
  request-changes changes-1 campaign-approval --as hendra-gunawan --comment "Wrong launch date"
expect_eq "changes requested: still active" "$(status_of changes-1)" "['active']"
run_json campaign show changes-1 "${store[@]}" --json
expect_eq "show --json counts the change requests" \
  "$(py '[x["step"] for x in d["decisions"] if x["decision"] == "request_changes"]' <<<"${out}")" \
  "['internal-review', 'completeness-check', 'campaign-approval']"
expect_eq "show --json has no approval under way after the loop" \
  "$(py 'd["approvals"]' <<<"${out}")" "[]"

# --- a cancellation -------------------------------------------------------------

run campaign cancel "${generated}" --as intan-permata "${store[@]}"
expect_eq "cancel without --reason exit" "${code}" 2
run campaign cancel "${generated}" --as nobody --reason "Budget cut" "${store[@]}"
expect_eq "cancel by an unknown person exit" "${code}" 1
expect_contains "cancel by an unknown person is refused" "${out}" "not a person of the SOP"
expect_eq "a refused cancel left the campaign open" "$(status_of "${generated}")" "['active']"
run campaign cancel "${generated}" --as intan-permata --reason "Budget cut" "${store[@]}"
expect_eq "cancel exit" "${code}" 0
expect_contains "cancel says so" "${out}" "cancelled campaign ${generated}"
expect_eq "cancelled: status" "$(status_of "${generated}")" "['cancelled']"
expect_eq "cancelled: no open tasks" "$(open_tasks "${generated}")" ""
run_json task list "${store[@]}" --campaign "${generated}" --status cancelled --json
expect_eq "cancelled: its open task was cancelled" \
  "$(py '[t["step"] for t in d["tasks"]]' <<<"${out}")" "['plan']"
run campaign cancel "${generated}" --as intan-permata --reason "Again" "${store[@]}"
expect_eq "cancelling twice exit" "${code}" 1
expect_contains "cancelling twice says it has ended" "${out}" "has ended (cancelled)"

# --- unknown campaigns, JSON errors, task lists -------------------------------------

events_before="$(total_events)"
expect_matches "the store's events are counted" "${events_before}" '^[1-9][0-9]*$'
run campaign show nope "${store[@]}"
expect_eq "show of an unknown campaign exit" "${code}" 1
expect_contains "show of an unknown campaign says so" "${out}" "no campaign nope"
run task complete nope plan --as intan-permata "${store[@]}"
expect_eq "completing in an unknown campaign exit" "${code}" 1
expect_contains "completing in an unknown campaign says so" "${out}" "no campaign nope"
run task approve nope plan --as intan-permata "${store[@]}"
expect_eq "approving in an unknown campaign exit" "${code}" 1
run campaign cancel nope --as intan-permata --reason "x" "${store[@]}"
expect_eq "cancelling an unknown campaign exit" "${code}" 1
run_json task complete nope plan --as intan-permata "${store[@]}" --json
expect_eq "--json error object" \
  "$(py '(d["ok"], d["error"]["code"], d["error"]["message"])' <<<"${out}")" \
  "(False, 'NOT_FOUND', 'no campaign nope')"
expect_eq "unknown campaigns wrote nothing" "$(total_events)" "${events_before}"

run task list "${store[@]}" --mine
expect_eq "--mine without --as exit" "${code}" 2
run task list "${store[@]}" --mine --as intan-permata --assignee bayu-setiawan
expect_eq "--mine with --assignee exit" "${code}" 2
run task list "${store[@]}" --status bogus
expect_eq "task list with an unknown status exit" "${code}" 2
run task list "${store[@]}" --mine --as nobody
expect_eq "--mine for an unknown person exit" "${code}" 1
run task list "${store[@]}" --mine --as intan-permata
expect_eq "--mine exit" "${code}" 0
expect_matches "--mine lists the open tasks of the person's roles" "${out}" \
  "^changes-1 +plan +open +campaign-manager +- +Plan the campaign"
expect_not_contains "--mine leaves out other roles' tasks" "${out}" "content-lead"
run task list "${store[@]}" --campaign reject-1
expect_eq "task list exit" "${code}" 0
expect_matches "task list shows who completed a task" "${out}" \
  "^reject-1 +plan +done +campaign-manager +by intan-permata +Plan the campaign"

finish
