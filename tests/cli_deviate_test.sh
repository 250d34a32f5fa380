#!/usr/bin/env bash
# End-to-end tests of the departures and their neighbours: `livesop deviate
# skip|early|approve|add-step|expedite|reassign|reopen`, `task assign`,
# `campaign comment`, `timers sweep`, `escalation ack` and `person
# away|back|absences`. Runs the real binary against temporary SQLite stores
# and the example SOP (examples/marketing-ops, process campaign-delivery),
# checks what each command changed (tasks, what the campaign waits for, the
# events' deviation, reason and source) and its main refusals.
#
#   tests/cli_deviate_test.sh BUILD/livesop SOURCE_DIR
#
# Prints one line per failure and, last, exactly one line "N passed, M
# failed"; exits 1 when anything failed. Needs python3 and sha256sum.
set -uo pipefail

# shellcheck source=tests/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
take_args "$@"
example="${source_dir}/examples/marketing-ops/sop.yaml"

enter_work_dir cli-deviate-test

store=(--db store.db --sop "${example}")

# open_tasks CAMPAIGN: the campaign's open tasks as sorted "step/role" words.
open_tasks() {
  "${livesop}" task list "${store[@]}" --campaign "$1" --status open --json \
    2>/dev/null |
    py '" ".join(sorted(t["step"] + "/" + t["role"] for t in d["tasks"]))'
}

# task_field CAMPAIGN TASK FIELD: a field of one task of the tasks read model.
task_field() {
  "${livesop}" task list "${store[@]}" --campaign "$1" --json 2>/dev/null |
    py '[t["'"$3"'"] for t in d["tasks"] if t["task"] == "'"$2"'"]'
}

# status_of CAMPAIGN: its status in the campaigns read model.
status_of() {
  "${livesop}" campaign list "${store[@]}" --json 2>/dev/null |
    py '[c["status"] for c in d["campaigns"] if c["campaign"] == "'"$1"'"]'
}

# events CAMPAIGN EXPR: EXPR evaluated on the campaign's events (`d` is
# `campaign show --events --json`; `ev` its events).
events() {
  "${livesop}" campaign show "$1" "${store[@]}" --events --json 2>/dev/null |
    py '(lambda ev: '"$2"')(d["events"])'
}

# work_events CAMPAIGN: how many of its events change its state (every event
# but the record of a refused command).
work_events() {
  events "$1" 'len([e for e in ev if e["type"] != "command_refused"])'
}

# count_before NAME: sets $before to dev-1's work events, a number (so that
# "nothing changed" cannot pass on two errors).
count_before() {
  before="$(work_events dev-1)"
  expect_matches "dev-1's events are counted before the refused $1" \
    "${before}" '^[1-9][0-9]*$'
}

# A complete request: launch four months out, a small budget on Instagram,
# not urgent (the standard route).
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
# A large budget: Finance Ops first, then a sequential approval group.
large=(--field budget=600000000 --field finance_reference=FIN-123456)

# submit ID [FIELDS...]: submits a campaign as intan-permata, who owns it.
submit() {
  local id="$1"
  shift
  run campaign submit "${store[@]}" --type product-launch --title "${id}" \
    --id "${id}" --values request.json "$@" --as intan-permata
  expect_eq "submit ${id} exit" "${code}" 0
  [ "${code}" -eq 0 ] || echo "  output: ${out}"
}

# The process owner's role (marketing-ops-lead) may record any departure.
owner=sari-kusuma

# --- help ---------------------------------------------------------------------

for cmd in "deviate skip" "deviate early" "deviate approve" "deviate add-step" \
           "deviate expedite" "deviate reassign" "deviate reopen" \
           "task assign" "campaign comment" "timers sweep" "escalation ack" \
           "person away" "person back" "person absences"; do
  # shellcheck disable=SC2086 # the command is two words
  run ${cmd} --help
  expect_eq "${cmd} --help exit" "${code}" 0
  expect_contains "${cmd} --help mentions exit codes" "${out}" "Exit codes"
done
run deviate
expect_eq "deviate without a subcommand exit" "${code}" 2
run deviate frobnicate
expect_eq "unknown deviate subcommand exit" "${code}" 2

submit dev-1
submit big-1 "${large[@]}"
submit fast-1
submit re-1
submit as-1
submit as-2

# --- skip -----------------------------------------------------------------------

printf 'Kickoff minutes\n\x00\x01binary part\n' >minutes.pdf
minutes_sha="$(sha256sum minutes.pdf | cut -d' ' -f1)"
count_before "skips"

run deviate skip dev-1 plan --as "${owner}" "${store[@]}"
expect_eq "skip without --reason exit" "${code}" 2
expect_contains "skip without --reason names the option" "${out}" "--reason"
run deviate skip dev-1 plan --as "${owner}" --reason "  " "${store[@]}"
expect_eq "skip with a blank --reason exit" "${code}" 2
expect_contains "a blank --reason is refused by name" "${out}" \
  "--reason TEXT is required"
run deviate skip dev-1 plan --as wulan-sari --reason "Agreed" "${store[@]}"
expect_eq "skip by a designer exit" "${code}" 1
expect_contains "skip by a designer is refused" "${out}" \
  "wulan-sari may not record a skip on campaign dev-1"
run_json deviate skip dev-1 plan --as intan-permata --reason "Agreed" \
  "${store[@]}" --json
expect_eq "skip by the campaign owner exit" "${code}" 1
expect_eq "skip by the campaign owner: PERMISSION_DENIED" \
  "$(py '(d["ok"], d["error"]["code"])' <<<"${out}")" \
  "(False, 'PERMISSION_DENIED')"
run deviate skip dev-1 paln --as "${owner}" --reason "Agreed" "${store[@]}"
expect_eq "skip of an unknown step exit" "${code}" 1
expect_contains "skip of an unknown step suggests one" "${out}" \
  "has no work step paln; did you mean plan?"
run deviate skip nope plan --as "${owner}" --reason "Agreed" "${store[@]}"
expect_eq "skip in an unknown campaign exit" "${code}" 1
expect_contains "skip in an unknown campaign says so" "${out}" "no campaign nope"
run deviate skip dev-1 plan --as "${owner}" --reason "Agreed" \
  --evidence-file missing.pdf "${store[@]}"
expect_eq "a missing evidence file exit" "${code}" 2
expect_contains "a missing evidence file is named" "${out}" \
  "the evidence file missing.pdf: no such file"
run deviate skip dev-1 plan --as "${owner}" --reason "Agreed" \
  --evidence-file . "${store[@]}"
expect_eq "a directory as evidence file exit" "${code}" 2
expect_contains "a directory as evidence file is named" "${out}" \
  "not a regular file"
expect_eq "refused skips changed nothing" "$(work_events dev-1)" "${before}"
expect_eq "refused skips left the plan open" "$(open_tasks dev-1)" \
  "plan/campaign-manager"

run deviate skip dev-1 plan --as "${owner}" \
  --reason "Brief agreed in the kickoff" --source meeting \
  --evidence "Kickoff minutes, item 3" --evidence-file minutes.pdf "${store[@]}"
expect_eq "skip exit" "${code}" 0
expect_contains "skip says what it did" "${out}" \
  "sari-kusuma skipped plan of campaign dev-1"
expect_contains "skip prints the file's digest" "${out}" "${minutes_sha}"
expect_eq "skip: the plan is skipped" "$(task_field dev-1 dev-1/plan status)" \
  "['skipped']"
expect_eq "skip: the review is next" "$(open_tasks dev-1)" \
  "internal-review/campaign-lead"
expect_eq "skip: the event's deviation, reason, source and evidence" \
  "$(events dev-1 '[(e["deviation"], e["reason"], e["source"], e["payload"]["evidence"], e["payload"]["evidence_sha256"]) for e in ev if e["type"] == "task_skipped"]')" \
  "[('skip', 'Brief agreed in the kickoff', 'meeting', 'Kickoff minutes, item 3', '${minutes_sha}')]"

# A step not reached yet is skipped when the flow reaches it.
run_json deviate skip big-1 finance-approval --as "${owner}" \
  --reason "Budget confirmed by Finance at the QBR" "${store[@]}" --json
expect_eq "planned skip exit" "${code}" 0
expect_eq "planned skip --json" \
  "$(py '(d["ok"], d["planned"], d["deviation"], d["step"])' <<<"${out}")" \
  "(True, True, 'skip', 'finance-approval')"
expect_eq "planned skip leaves the plan open" "$(open_tasks big-1)" \
  "plan/campaign-manager"
expect_eq "planned skip is recorded" \
  "$(events big-1 '[(e["step"], e["deviation"]) for e in ev if e["type"] == "step_skip_planned"]')" \
  "[('finance-approval', 'skip')]"
for step in plan internal-review submit-request completeness-check; do
  run deviate skip big-1 "${step}" --as "${owner}" --reason "Fast lane" \
    "${store[@]}"
  expect_eq "skip big-1 ${step} exit" "${code}" 0
done
# Finance was passed as planned: the large-budget group asks the Marketing
# Ops Lead first and the Head of Marketing after.
expect_eq "the planned skip passed Finance" "$(open_tasks big-1)" \
  "campaign-approval/brand-manager campaign-approval/marketing-ops-lead campaign-approval/product-marketing-manager"
expect_eq "the planned skip is marked as planned" \
  "$(events big-1 '[e["payload"].get("planned") for e in ev if e["type"] == "task_skipped" and e["step"] == "finance-approval"]')" \
  "[True]"

# --- early ------------------------------------------------------------------------

run deviate early dev-1 submit-request --as wulan-sari --reason "x" "${store[@]}"
expect_eq "early by a designer exit" "${code}" 1
expect_contains "early by a designer is refused" "${out}" \
  "wulan-sari may not record a reorder"
run deviate early dev-1 campaign-approval --as "${owner}" --reason "x" "${store[@]}"
expect_eq "early of an approval exit" "${code}" 1
expect_contains "early of an approval says how" "${out}" "is decided, not done"
run deviate early dev-1 submit-reqest --as intan-permata --reason "x" "${store[@]}"
expect_eq "early of an unknown step exit" "${code}" 1
expect_contains "early of an unknown step suggests one" "${out}" \
  "did you mean submit-request?"
run deviate early dev-1 submit-request --as intan-permata "${store[@]}"
expect_eq "early without --reason exit" "${code}" 2
run deviate early dev-1 submit-request --as intan-permata \
  --reason "Form filled in during the kickoff" "${store[@]}"
expect_eq "early exit (whoever does the step may)" "${code}" 0
expect_contains "early says what it did" "${out}" "as done before its turn"
expect_eq "early: the task is done" \
  "$(task_field dev-1 dev-1/submit-request status)" "['done']"
expect_eq "early: the review is still awaited" "$(open_tasks dev-1)" \
  "internal-review/campaign-lead"
expect_eq "early: the event is a reorder" \
  "$(events dev-1 '[(e["deviation"], e["reason"], e["payload"].get("early")) for e in ev if e["type"] == "task_completed" and e["step"] == "submit-request"]')" \
  "[('reorder', 'Form filled in during the kickoff', True)]"
run deviate early dev-1 submit-request --as intan-permata --reason "x" "${store[@]}"
expect_eq "early twice exit" "${code}" 1
expect_contains "early twice says so" "${out}" "was done early already"
run task approve dev-1 internal-review --as bayu-setiawan "${store[@]}"
expect_eq "review exit" "${code}" 0
expect_eq "the step done early is passed" "$(open_tasks dev-1)" \
  "completeness-check/marketing-ops-specialist"

# --- informal approval --------------------------------------------------------------

read -r past future <<<"$(python3 -c '
import datetime
n = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
print((n - datetime.timedelta(hours=2)).isoformat(), (n + datetime.timedelta(days=1)).isoformat())')"
past_json="$(python3 -c '
import datetime, sys
t = datetime.datetime.fromisoformat(sys.argv[1])
print(t.strftime("%Y-%m-%dT%H:%M:%S.000+00:00"))' "${past}")"
informal=(deviate approve dev-1 completeness-check --channel whatsapp)
count_before "informal approvals"
run "${informal[@]}" --approver dimas-saputra --at "last tuesday" \
  --reason "OK in the team chat" --as intan-permata "${store[@]}"
expect_eq "informal approval with a bad --at exit" "${code}" 1
expect_contains "a bad --at is named" "${out}" '--at: invalid timestamp "last tuesday"'
run "${informal[@]}" --approver dimas-saputra --at "${future}" \
  --reason "OK in the team chat" --as intan-permata "${store[@]}"
expect_eq "informal approval in the future exit" "${code}" 1
expect_contains "an approval in the future is refused" "${out}" "in the future"
run "${informal[@]}" --approver dimas --reason "OK" --as intan-permata "${store[@]}"
expect_eq "informal approval by an unknown approver exit" "${code}" 1
expect_contains "an unknown approver is named" "${out}" \
  'the approver "dimas" is not a person of the SOP'
run "${informal[@]}" --approver larasati-putri --reason "OK" --as intan-permata \
  "${store[@]}"
expect_eq "informal approval by someone not awaited exit" "${code}" 1
expect_contains "someone not awaited is refused" "${out}" \
  "larasati-putri is not awaited at step completeness-check"
run "${informal[@]}" --approver dimas-saputra --reason "OK" --as wulan-sari \
  "${store[@]}"
expect_eq "informal approval recorded by a designer exit" "${code}" 1
expect_contains "a designer may not record it" "${out}" \
  "wulan-sari may not record a informal_approval"
run deviate approve dev-1 completeness-check --approver dimas-saputra \
  --reason "OK" --as intan-permata "${store[@]}"
expect_eq "informal approval without --channel exit" "${code}" 2
run "${informal[@]}" --approver dimas-saputra --as intan-permata "${store[@]}"
expect_eq "informal approval without --reason exit" "${code}" 2
expect_contains "informal approval without --reason names it" "${out}" "--reason"
run "${informal[@]}" --approver dimas-saputra --reject --reason "No" \
  --as intan-permata "${store[@]}"
expect_eq "informal rejection without --comment exit" "${code}" 2
expect_contains "informal rejection without --comment says why" "${out}" \
  "--comment TEXT is required"
run "${informal[@]}" --approver dimas-saputra --reject --request-changes \
  --comment "x" --reason "No" --as intan-permata "${store[@]}"
expect_eq "--reject with --request-changes exit" "${code}" 2
expect_eq "refused informal approvals changed nothing" "$(work_events dev-1)" \
  "${before}"

run "${informal[@]}" --approver dimas-saputra --at "${past}" \
  --reason "Dimas said ok in the team chat" --evidence "ok, lengkap" \
  --as intan-permata "${store[@]}"
expect_eq "informal approval exit" "${code}" 0
expect_contains "informal approval says what it recorded" "${out}" \
  "intan-permata recorded dimas-saputra's approval of completeness-check of campaign dev-1, given by whatsapp"
expect_eq "informal approval moves the campaign to its approval" \
  "$(open_tasks dev-1)" \
  "campaign-approval/brand-manager campaign-approval/campaign-lead campaign-approval/product-marketing-manager"
expect_eq "informal approval: the approver's decision, at its time, by its channel" \
  "$(events dev-1 '[(e["resource"], e["time"], e["source"], e["deviation"], e["reason"], e["payload"]["recorded_by"], e["payload"]["decision"]) for e in ev if e["type"] == "approval_decided" and e["step"] == "completeness-check"]')" \
  "[('dimas-saputra', '${past_json}', 'whatsapp', 'informal_approval', 'Dimas said ok in the team chat', 'intan-permata', 'approve')]"

# On a step not reached yet the approval is held.
run_json deviate approve big-1 performance-review --approver bayu-setiawan \
  --channel email --reason "Bayu approved the plan by email" \
  --as intan-permata "${store[@]}" --json
expect_eq "held informal approval exit" "${code}" 0
expect_eq "held informal approval --json" \
  "$(py '(d["held"], d["deviation"], d["channel"], d["decision"])' <<<"${out}")" \
  "(True, 'informal_approval', 'email', 'approve')"
expect_eq "campaign show has the held approval" \
  "$("${livesop}" campaign show big-1 "${store[@]}" --json 2>/dev/null |
    py '[(h["step"], h["person"], h["decision"], h["channel"]) for h in d["held"]]')" \
  "[('performance-review', 'bayu-setiawan', 'approve', 'email')]"

# --- add-step -------------------------------------------------------------------

adhoc=(deviate add-step dev-1)
run "${adhoc[@]}" legal-check --name "Legal check" --role legal-counsel \
  --reason "Price claim" --as wulan-sari "${store[@]}"
expect_eq "add-step by a designer exit" "${code}" 1
expect_contains "add-step by a designer is refused" "${out}" \
  "wulan-sari may not record a ad_hoc_step"
run "${adhoc[@]}" "Legal Check" --name "Legal check" --reason "Price claim" \
  --as intan-permata "${store[@]}"
expect_eq "add-step with a bad id exit" "${code}" 1
expect_contains "a bad ad-hoc id is explained" "${out}" \
  "lowercase letters, digits and dashes"
run "${adhoc[@]}" plan --name "Plan again" --reason "Price claim" \
  --as intan-permata "${store[@]}"
expect_eq "add-step with a step id of the SOP exit" "${code}" 1
expect_contains "a step id of the SOP is taken" "${out}" "has a step plan already"
run "${adhoc[@]}" legal-check --name "Legal check" --role lawyer \
  --reason "Price claim" --as intan-permata "${store[@]}"
expect_eq "add-step for an unknown role exit" "${code}" 1
expect_contains "an unknown role is named" "${out}" 'unknown role "lawyer"'
run "${adhoc[@]}" legal-check --name "Legal check" --role legal-counsel \
  --person clara-siregar --reason "Price claim" --as intan-permata "${store[@]}"
expect_eq "add-step with --role and --person exit" "${code}" 2
run "${adhoc[@]}" legal-check --role legal-counsel --reason "Price claim" \
  --as intan-permata "${store[@]}"
expect_eq "add-step without --name exit" "${code}" 2

run "${adhoc[@]}" legal-check --name "Legal check of the price claims" \
  --role legal-counsel --description "The 30% claim in the key visual" \
  --reason "A price claim in the key message" --as intan-permata "${store[@]}"
expect_eq "add-step exit" "${code}" 0
expect_contains "add-step says for whom" "${out}" "for role legal-counsel"
expect_eq "add-step: a task for the role" \
  "$(task_field dev-1 dev-1/legal-check role)/$(task_field dev-1 dev-1/legal-check status)" \
  "['legal-counsel']/['open']"
expect_eq "add-step: the flow is not held up" \
  "$(open_tasks dev-1)" \
  "campaign-approval/brand-manager campaign-approval/campaign-lead campaign-approval/product-marketing-manager legal-check/legal-counsel"
expect_eq "add-step: the event is an ad-hoc step" \
  "$(events dev-1 '[(e["deviation"], e["reason"], e["payload"]["adhoc"]) for e in ev if e["type"] == "task_created" and e["step"] == "legal-check"]')" \
  "[('ad_hoc_step', 'A price claim in the key message', True)]"
run "${adhoc[@]}" legal-check --name "Again" --reason "x" --as intan-permata \
  "${store[@]}"
expect_eq "add-step with an id in use exit" "${code}" 1
expect_contains "an id in use is refused" "${out}" "has a step legal-check already"
run "${adhoc[@]}" legal-sign-off --name "Legal sign-off" --person clara-siregar \
  --reason "Clara signs off promotions" --as intan-permata "${store[@]}"
expect_eq "add-step for a person exit" "${code}" 0
expect_eq "add-step for a person: assigned to them" \
  "$(task_field dev-1 dev-1/legal-sign-off assignee)" "['clara-siregar']"
run task complete dev-1 legal-check --as clara-siregar "${store[@]}"
expect_eq "completing the ad-hoc step exit" "${code}" 0
expect_eq "the ad-hoc step is done" \
  "$(task_field dev-1 dev-1/legal-check status)" "['done']"

# --- expedite -------------------------------------------------------------------

run deviate expedite big-1 --sla-factor abc --reason "x" --as intan-permata \
  "${store[@]}"
expect_eq "expedite with a --sla-factor that is no number exit" "${code}" 2
run deviate expedite big-1 --parallel-approvals --sla-factor 2 --reason "x" \
  --as intan-permata "${store[@]}"
expect_eq "expedite with a --sla-factor above 1 exit" "${code}" 1
expect_contains "a --sla-factor above 1 is explained" "${out}" \
  "must be above 0 and at most 1"
run deviate expedite big-1 --reason "x" --as intan-permata "${store[@]}"
expect_eq "expedite without a way exit" "${code}" 1
expect_contains "expedite without a way says how" "${out}" "say how to expedite"
run deviate expedite big-1 --parallel-approvals --reason "x" --as wulan-sari \
  "${store[@]}"
expect_eq "expedite by a designer exit" "${code}" 1
expect_contains "expedite by a designer is refused" "${out}" \
  "wulan-sari may not record a expedite"
expect_eq "refused expedites changed no task" "$(open_tasks big-1)" \
  "campaign-approval/brand-manager campaign-approval/marketing-ops-lead campaign-approval/product-marketing-manager"

run_json deviate expedite big-1 --parallel-approvals --sla-factor 0.5 \
  --reason "Launch moved forward by the CEO" --source email \
  --as intan-permata "${store[@]}" --json
expect_eq "expedite exit" "${code}" 0
expect_eq "expedite --json" \
  "$(py '(d["expedite"]["parallel_approvals"], d["expedite"]["sla_factor"], d["deviation"], d["source"])' <<<"${out}")" \
  "(True, 0.5, 'expedite', 'email')"
expect_eq "expedite asks the next approver of the sequential group at once" \
  "$(open_tasks big-1)" \
  "campaign-approval/brand-manager campaign-approval/head-of-marketing campaign-approval/marketing-ops-lead campaign-approval/product-marketing-manager"
expect_eq "expedite: the event" \
  "$(events big-1 '[(e["deviation"], e["reason"], e["source"], e["payload"]["sla_factor"]) for e in ev if e["type"] == "campaign_expedited"]')" \
  "[('expedite', 'Launch moved forward by the CEO', 'email', 0.5)]"
# Half the SLA: the task created now is due before the one created earlier.
expect_eq "expedite halves the SLA of the tasks created from now on" \
  "$("${livesop}" task list "${store[@]}" --campaign big-1 --json 2>/dev/null |
    py '(lambda due: due["head-of-marketing"] < due["marketing-ops-lead"])({t["role"]: t["due"] for t in d["tasks"] if t["step"] == "campaign-approval"})')" \
  "True"

run deviate expedite fast-1 --fast-track --reason "A competitor launched first" \
  --as intan-permata "${store[@]}"
expect_eq "fast track exit" "${code}" 0
expect_contains "fast track says so" "${out}" "expedited campaign fast-1: the fast track"
for step in plan internal-review submit-request completeness-check; do
  run deviate skip fast-1 "${step}" --as "${owner}" --reason "Fast lane" \
    "${store[@]}"
  expect_eq "skip fast-1 ${step} exit" "${code}" 0
done
expect_eq "the fast track takes the SOP's fast branch" "$(open_tasks fast-1)" \
  "fast-track-approval/brand-manager fast-track-approval/head-of-marketing fast-track-approval/marketing-ops-lead"
expect_eq "the fast track sets the request's urgent field" \
  "$("${livesop}" campaign show fast-1 "${store[@]}" --json 2>/dev/null |
    py 'd["values"]["urgent"]')" "True"

# --- reassign -------------------------------------------------------------------

reassign=(deviate reassign big-1 campaign-approval)
run "${reassign[@]}" --to yoga-prasetyo --reason "Larasati is away" \
  --as "${owner}" "${store[@]}"
expect_eq "reassign of an approval without --role exit" "${code}" 1
expect_contains "reassign without --role names the roles" "${out}" \
  "say which approver's task to reassign"
run "${reassign[@]}" --role brand-manager --to yoga --reason "Away" \
  --as "${owner}" "${store[@]}"
expect_eq "reassign to an unknown person exit" "${code}" 1
expect_contains "an unknown person is named" "${out}" \
  '"yoga" is not a person of the SOP'
run "${reassign[@]}" --role brand-manager --to yoga-prasetyo --reason "Away" \
  --as wulan-sari "${store[@]}"
expect_eq "reassign by a designer exit" "${code}" 1
expect_contains "reassign by a designer is refused" "${out}" \
  "wulan-sari may not record a reassign"
run deviate reassign big-1 plan --to rizky-hidayat --reason "Away" \
  --as "${owner}" "${store[@]}"
expect_eq "reassign of a finished step exit" "${code}" 1
expect_contains "reassign of a finished step says so" "${out}" "is not active"
run deviate reassign big-1 campaign-aproval --role brand-manager \
  --to yoga-prasetyo --reason "Away" --as "${owner}" "${store[@]}"
expect_eq "reassign of an unknown step exit" "${code}" 1
expect_contains "reassign of an unknown step suggests one" "${out}" \
  "did you mean campaign-approval?"
run deviate reassign big-1 campaign-approval --role brand-manager \
  --to yoga-prasetyo --as "${owner}" "${store[@]}"
expect_eq "reassign without --reason exit" "${code}" 2

run "${reassign[@]}" --role brand-manager --to yoga-prasetyo \
  --reason "Larasati is at the trade fair" --source slack --as "${owner}" \
  "${store[@]}"
expect_eq "reassign exit" "${code}" 0
expect_contains "reassign says to whom" "${out}" \
  "gave task big-1/campaign-approval/brand-manager to yoga-prasetyo"
expect_eq "reassign: the task is yoga's" \
  "$(task_field big-1 big-1/campaign-approval/brand-manager assignee)" \
  "['yoga-prasetyo']"
expect_eq "reassign: the event" \
  "$(events big-1 '[(e["deviation"], e["reason"], e["source"], e["payload"]["assignee"]) for e in ev if e["type"] == "task_assigned"]')" \
  "[('reassign', 'Larasati is at the trade fair', 'slack', 'yoga-prasetyo')]"
run task approve big-1 campaign-approval --as yoga-prasetyo "${store[@]}"
expect_eq "the person a task was reassigned to may decide it" "${code}" 0
expect_eq "the reassigned task is done by them" \
  "$(task_field big-1 big-1/campaign-approval/brand-manager completed_by)" \
  "['yoga-prasetyo']"

# --- reopen ---------------------------------------------------------------------

run campaign cancel re-1 --as intan-permata --reason "Budget cut" "${store[@]}"
expect_eq "cancel re-1 exit" "${code}" 0
run deviate reopen re-1 plan --as intan-permata --reason "Budget back" \
  "${store[@]}"
expect_eq "reopen by the campaign owner exit" "${code}" 1
expect_contains "reopen by the campaign owner is refused" "${out}" \
  "intan-permata may not record a reopen"
run deviate reopen re-1 pln --as "${owner}" --reason "Budget back" "${store[@]}"
expect_eq "reopen of an unknown step exit" "${code}" 1
expect_contains "reopen of an unknown step suggests one" "${out}" \
  "did you mean plan?"
expect_eq "refused reopens left it cancelled" "$(status_of re-1)" "['cancelled']"
run deviate reopen re-1 plan --as "${owner}" --reason "Budget restored" \
  "${store[@]}"
expect_eq "reopen exit" "${code}" 0
expect_eq "reopen: the campaign is open again" "$(status_of re-1)" "['active']"
expect_eq "reopen: its plan is a task again" "$(open_tasks re-1)" \
  "plan/campaign-manager"
expect_eq "reopen: the events" \
  "$(events re-1 '[(e["type"], e["deviation"], e["reason"]) for e in ev if e["deviation"] == "reopen"]')" \
  "[('campaign_reopened', 'reopen', 'Budget restored'), ('step_reopened', 'reopen', 'Budget restored')]"
run deviate reopen re-1 plan --as "${owner}" --reason "Again" "${store[@]}"
expect_eq "reopening an active step exit" "${code}" 1
expect_contains "reopening an active step says so" "${out}" "is active already"

# --- task assign ------------------------------------------------------------------

run task assign as-1 plan --to rizky-hidayat --as intan-permata "${store[@]}"
expect_eq "assign to a colleague by a holder exit" "${code}" 1
expect_contains "a holder may only take a task" "${out}" \
  "intan-permata may not give as-1/plan to rizky-hidayat"
run task assign as-1 plan --to rizky --as "${owner}" "${store[@]}"
expect_eq "assign to an unknown person exit" "${code}" 1
expect_contains "assign to an unknown person names them" "${out}" \
  '"rizky" is not a person of the SOP'
run task assign as-1 plan --as "${owner}" "${store[@]}"
expect_eq "assign without --to exit" "${code}" 2
run task assign as-1 plan --to rizky-hidayat --as "${owner}" "${store[@]}"
expect_eq "assign by the process owner's role exit" "${code}" 0
expect_contains "assign says to whom" "${out}" "gave task as-1/plan to rizky-hidayat"
expect_eq "assign: the task is rizky's" "$(task_field as-1 as-1/plan assignee)" \
  "['rizky-hidayat']"
expect_eq "assign is no departure" \
  "$(events as-1 '[(e["deviation"], e["payload"]["assignee"]) for e in ev if e["type"] == "task_assigned"]')" \
  "[('', 'rizky-hidayat')]"
run task assign as-1 plan --to maya-anggraini --as "${owner}" "${store[@]}"
expect_eq "assign of a task someone has exit" "${code}" 1
expect_contains "a task someone has is handed on with reassign" "${out}" \
  "hand it on with reassign"
run task assign as-2 plan --to maya-anggraini --as maya-anggraini "${store[@]}"
expect_eq "a holder takes a task exit" "${code}" 0
expect_eq "a holder takes a task" "$(task_field as-2 as-2/plan assignee)" \
  "['maya-anggraini']"
run task assign dev-1 campaign-approval --to larasati-putri --as "${owner}" \
  "${store[@]}"
expect_eq "assign of an approval without --role exit" "${code}" 1
run task assign dev-1 campaign-approval --role brand-manager \
  --to larasati-putri --as "${owner}" "${store[@]}"
expect_eq "assign of an approver's task exit" "${code}" 0
expect_eq "assign of an approver's task" \
  "$(task_field dev-1 dev-1/campaign-approval/brand-manager assignee)" \
  "['larasati-putri']"

# --- campaign comment -------------------------------------------------------------

count_before "comments"
run campaign comment dev-1 --text "@larasati-putr please check" \
  --as intan-permata "${store[@]}"
expect_eq "comment with an unknown mention exit" "${code}" 1
expect_contains "an unknown mention gets a suggestion" "${out}" \
  "did you mean @larasati-putri?"
run campaign comment dev-1 --text "  " --as intan-permata "${store[@]}"
expect_eq "a blank comment exit" "${code}" 1
expect_contains "a blank comment is refused" "${out}" "a comment needs some text"
run campaign comment dev-1 --as intan-permata "${store[@]}"
expect_eq "comment without --text exit" "${code}" 2
run campaign comment dev-1 --step paln --text "x" --as intan-permata "${store[@]}"
expect_eq "comment on an unknown step exit" "${code}" 1
expect_contains "comment on an unknown step suggests one" "${out}" \
  "did you mean plan?"
run campaign comment dev-1 --text "x" --as nobody "${store[@]}"
expect_eq "comment by an unknown person exit" "${code}" 1
expect_eq "refused comments wrote nothing" "$(work_events dev-1)" "${before}"
run campaign comment dev-1 --step campaign-approval \
  --text "@larasati-putri please check the colours; @campaign-lead FYI" \
  --as intan-permata "${store[@]}"
expect_eq "comment exit" "${code}" 0
expect_contains "comment says who was notified" "${out}" \
  "notified: bayu-setiawan, larasati-putri"
expect_eq "comment: the events" \
  "$(events dev-1 '[(e["type"], e["step"], e["payload"].get("mentions"), e["payload"].get("recipients")) for e in ev if e["type"] in ("comment_added", "notification_sent") and e["activity"] in ("Comment", "Mention")]')" \
  "[('comment_added', 'campaign-approval', ['larasati-putri', 'campaign-lead'], None), ('notification_sent', 'campaign-approval', None, ['bayu-setiawan', 'larasati-putri'])]"

# --- escalation ack ---------------------------------------------------------------

# An urgent request with a large budget raises the SOP's urgent-large-campaign
# escalation to the Head of Marketing the moment it is submitted.
submit urg-1 "${large[@]}" --field urgent=yes \
  --field "urgency_reason=A competitor launches next week"
escalation='urg-1#urgent-large-campaign'
expect_eq "the escalation is a task" "$(task_field urg-1 "${escalation}" status)" \
  "['open']"
run escalation ack urg-1 'urg-1#nope' --as ratna-wijaya "${store[@]}"
expect_eq "ack of an unknown escalation exit" "${code}" 1
expect_contains "ack of an unknown escalation lists the open ones" "${out}" \
  "open ones: ${escalation}"
run escalation ack urg-1 "${escalation}" --as intan-permata "${store[@]}"
expect_eq "ack by someone it was not raised to exit" "${code}" 1
expect_contains "ack by someone it was not raised to is refused" "${out}" \
  "intan-permata may not acknowledge"
run escalation ack urg-1 "${escalation}" "${store[@]}"
expect_eq "ack without --as exit" "${code}" 2
run escalation ack urg-1 "${escalation}" --as ratna-wijaya "${store[@]}"
expect_eq "ack exit" "${code}" 0
expect_contains "ack says so" "${out}" "ratna-wijaya acknowledged escalation ${escalation}"
expect_eq "ack: the escalation's task is done by its recipient" \
  "$(task_field urg-1 "${escalation}" status)/$(task_field urg-1 "${escalation}" completed_by)" \
  "['done']/['ratna-wijaya']"
run escalation ack urg-1 "${escalation}" --as ratna-wijaya "${store[@]}"
expect_eq "ack twice exit" "${code}" 1
expect_contains "ack twice: nothing open" "${out}" "open ones: none"

# --- campaign spend ----------------------------------------------------------------

# urg-1's budget is IDR 600,000,000: spend over it starts the SOP's
# budget-constraint escalation to Finance Ops.
run campaign spend urg-1 "550,000,000" --note "TV buy" --as intan-permata \
  "${store[@]}"
expect_eq "spend exit" "${code}" 0
expect_contains "spend says what is spent of the budget" "${out}" \
  "recorded 550,000,000 on campaign urg-1: 550,000,000 spent of a budget of 600,000,000"
expect_eq "no budget escalation under the budget" \
  "$(task_field urg-1 'urg-1#budget-constraint' status)" "[]"
run campaign spend urg-1 lots --as intan-permata "${store[@]}"
expect_eq "spend of no number exit" "${code}" 2
expect_contains "spend of no number says how to write it" "${out}" \
  'AMOUNT "lots" is not a number'
run campaign spend urg-1 1000 --as larasati-putri "${store[@]}"
expect_eq "spend by someone not keeping the books exit" "${code}" 1
expect_contains "spend by someone else is refused" "${out}" \
  "larasati-putri may not record spend"
run_json campaign spend urg-1 75000000 --note "Agency invoice" \
  --as lina-hartono "${store[@]}" --json
expect_eq "spend over the budget --json" \
  "$(py '(d["spent"], d["budget"], d["over_budget"])' <<<"${out}")" \
  "(625000000.0, 600000000.0, True)"
expect_eq "spend over the budget opens the escalation" \
  "$(task_field urg-1 'urg-1#budget-constraint' status)" "['open']"
expect_eq "budget_exceeded recorded" \
  "$(events urg-1 '[(e["payload"]["over"], e["payload"]["currency"]) for e in ev if e["type"] == "budget_exceeded"]')" \
  "[(25000000.0, 'IDR')]"
run campaign spend urg-1 -5000000 --note "credit note" --as lina-hartono \
  "${store[@]}"
expect_eq "a refund exit" "${code}" 0
run campaign show urg-1 "${store[@]}"
expect_contains "show gives the spend" "${out}" \
  "spent        620,000,000 of a budget of 600,000,000 (over)"

# --- person away, back, absences ---------------------------------------------------

away=(person away intan-permata "${store[@]}")
run "${away[@]}" --from 2026-07-01 --until 2026-07-03 --as "${owner}"
expect_eq "away exit" "${code}" 0
expect_contains "away prints the absence's id" "${out}" "recorded absence 1:"
# Dates are days of the SOP's business calendar (Asia/Jakarta, UTC+7): from
# the start of the first, until the end of the last.
run_json person absences --db store.db --json
expect_eq "absences --json" \
  "$(py '[(a["id"], a["person"], a["from"], a["until"], a["delegate"], a["recorded_by"]) for a in d["absences"]]' <<<"${out}")" \
  "[(1, 'intan-permata', '2026-06-30T17:00:00.000+00:00', '2026-07-03T17:00:00.000+00:00', None, 'sari-kusuma')]"
run_json "${away[@]}" --from 2026-07-10T10:00+07:00 --until 2026-07-10T15:00+07:00 \
  --delegate rizky-hidayat --note "Dentist" --as "${owner}" --json
expect_eq "away with times exit" "${code}" 0
expect_eq "away with times --json" \
  "$(py '(d["absence"]["id"], d["absence"]["from"], d["absence"]["until"], d["absence"]["delegate"], d["absence"]["note"])' <<<"${out}")" \
  "(2, '2026-07-10T03:00:00.000+00:00', '2026-07-10T08:00:00.000+00:00', 'rizky-hidayat', 'Dentist')"
run "${away[@]}" --from 2026-07-03 --until 2026-07-01 --as "${owner}"
expect_eq "away ending before it starts exit" "${code}" 1
expect_contains "away ending before it starts is refused" "${out}" \
  "must be after --from"
run "${away[@]}" --from 2026-02-30 --until 2026-03-02 --as "${owner}"
expect_eq "away from a day that does not exist exit" "${code}" 1
expect_contains "a day that does not exist is named" "${out}" '--from: invalid date "2026-02-30"'
run "${away[@]}" --from soon --until 2026-03-02 --as "${owner}"
expect_eq "away from no time exit" "${code}" 1
expect_contains "a --from that is no time is named" "${out}" "--from: invalid timestamp"
run person away intan-permta "${store[@]}" --from 2026-07-01 --until 2026-07-03 \
  --as "${owner}"
expect_eq "away of an unknown person exit" "${code}" 1
expect_contains "an unknown person gets a suggestion" "${out}" \
  "did you mean intan-permata?"
run "${away[@]}" --from 2026-07-01 --until 2026-07-03 --delegate nobody \
  --as "${owner}"
expect_eq "away with an unknown stand-in exit" "${code}" 1
expect_contains "an unknown stand-in is named" "${out}" \
  'the stand-in (--delegate) "nobody" is not a person of the SOP'
run "${away[@]}" --from 2026-07-01 --until 2026-07-03 --delegate intan-permata \
  --as "${owner}"
expect_eq "away standing in for oneself exit" "${code}" 1
run "${away[@]}" --from 2026-07-01 --until 2026-07-03
expect_eq "away without --as exit" "${code}" 2
run "${away[@]}" --until 2026-07-03 --as "${owner}"
expect_eq "away without --from exit" "${code}" 2

run_json person absences intan-permata --db store.db --at 2026-07-10T12:00+07:00 --json
expect_eq "absences at a time" "$(py '[a["id"] for a in d["absences"]]' <<<"${out}")" "[2]"
run_json person absences --db store.db --sop "${example}" --at 2026-07-03 --json
expect_eq "absences on a day of the calendar" \
  "$(py '(d["at"], [a["id"] for a in d["absences"]])' <<<"${out}")" \
  "('2026-07-02T17:00:00.000+00:00', [1])"
run person absences bayu-setiawan --db store.db
expect_eq "absences of someone never away exit" "${code}" 0
expect_contains "absences of someone never away" "${out}" "no absences"
run person absences --db store.db --at someday
expect_eq "absences at no time exit" "${code}" 1
run person absences --db store.db
expect_matches "absences lists them as a table" "${out}" \
  "^2 +intan-permata +2026-07-10T03:00:00Z +2026-07-10T08:00:00Z +rizky-hidayat +sari-kusuma +Dentist"

run person back 1 --db store.db
expect_eq "back exit" "${code}" 0
expect_contains "back says which absence" "${out}" "cancelled absence 1: intan-permata"
run_json person absences --db store.db --json
expect_eq "back removed the absence" "$(py '[a["id"] for a in d["absences"]]' <<<"${out}")" "[2]"
run person back 1 --db store.db
expect_eq "back twice exit" "${code}" 1
expect_contains "back twice says so" "${out}" "no absence 1"
run person back one --db store.db
expect_eq "back with an id that is no number exit" "${code}" 2

# Who gets a task when its person is away: the SOP's first step does not
# name a person, so a copy of the example gives the plan to the requester.
cp -r "${source_dir}/examples/marketing-ops" delegated
python3 - delegated/processes.yaml <<'PY'
import sys
path = sys.argv[1]
text = open(path).read()
step = """      - id: plan
        name: Plan the campaign and write the brief
        type: task
        role: campaign-manager
"""
assert text.index(step) < text.index("id: event-campaign")
open(path, "w").write(text.replace(step, step + "        assignee_from: requester\n", 1))
PY
delegated=(--db delegated.db --sop delegated/sop.yaml)
read -r yesterday tomorrow <<<"$(python3 -c '
import datetime
t = datetime.datetime.now(datetime.timezone.utc).date()
print(t - datetime.timedelta(days=1), t + datetime.timedelta(days=1))')"
plan_assignee() {
  "${livesop}" campaign submit "${delegated[@]}" --type product-launch \
    --title "$1" --id "$1" --values request.json --as intan-permata >/dev/null 2>&1
  "${livesop}" task list "${delegated[@]}" --campaign "$1" --json 2>/dev/null |
    py '[t["assignee"] for t in d["tasks"] if t["step"] == "plan"]'
}
expect_eq "the requester gets the plan" "$(plan_assignee here-1)" "['intan-permata']"
# away_id: the id `person away --json` printed ($out).
away_id() { py 'd["absence"]["id"]' <<<"${out}"; }
run_json person away intan-permata "${delegated[@]}" --from "${yesterday}" \
  --until "${tomorrow}" --delegate maya-anggraini --as "${owner}" --json
expect_eq "away with a stand-in exit" "${code}" 0
id="$(away_id)"
expect_eq "the stand-in gets the plan" "$(plan_assignee away-1)" "['maya-anggraini']"
run person back "${id}" --db delegated.db
expect_eq "back from the absence with a stand-in exit" "${code}" 0
run_json person away intan-permata "${delegated[@]}" --from "${yesterday}" \
  --until "${tomorrow}" --as "${owner}" --json
expect_eq "away without a stand-in exit" "${code}" 0
id="$(away_id)"
expect_eq "the first SOP delegate gets the plan" "$(plan_assignee away-2)" \
  "['rizky-hidayat']"
run person back "${id}" --db delegated.db
expect_eq "back exit (delegated)" "${code}" 0
expect_eq "back, the requester gets the plan again" "$(plan_assignee back-1)" \
  "['intan-permata']"

# --- timers sweep ---------------------------------------------------------------

sweep=(timers sweep --db sweep.db --sop "${example}")
run_json "${sweep[@]}" --json
expect_eq "sweep of a new store exit" "${code}" 0
expect_eq "sweep of a new store does nothing" \
  "$(py '(d["ok"], d["campaigns"], d["events"], d["problems"])' <<<"${out}")" \
  "(True, 0, 0, [])"
run timers sweep --db sweep.db
expect_eq "sweep of a store without an SOP exit" "${code}" 2

# A task overdue with the real clock: a campaign exported, renamed, dated
# back two months and imported again.
run campaign submit --db sweep.db --sop "${example}" --type product-launch \
  --title "Late" --id late-1 --values request.json --as intan-permata
expect_eq "submit late-1 exit" "${code}" 0
run export --db sweep.db --campaign late-1 -o late-1.csv
expect_eq "export late-1 exit" "${code}" 0
python3 - late-1.csv late-2.csv <<'PY'
import csv, datetime, json, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
created = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=60)
for row in rows:
    row["case:concept:name"] = "late-2"
    row["time:timestamp"] = created.isoformat()
    payload = json.loads(row["livesop:payload"] or "{}")
    if "task" in payload:
        payload["task"] = payload["task"].replace("late-1", "late-2")
    if "due_us" in payload:
        payload["due_us"] = int((created + datetime.timedelta(days=7)).timestamp() * 1e6)
    row["livesop:payload"] = json.dumps(payload)
with open(sys.argv[2], "w", newline="") as out:
    writer = csv.DictWriter(out, fieldnames=rows[0].keys())
    writer.writeheader()
    writer.writerows(rows)
PY
run import --db sweep.db late-2.csv
expect_eq "import late-2 exit" "${code}" 0
run_json timers due --db sweep.db --sop "${example}" --json
expect_eq "timers due exit" "${code}" 0
expect_eq "timers due lists the overdue plan, and only it" \
  "$(py '[(t["task"], t["kind"], t["overdue"]) for t in d["timers"]]' <<<"${out}")" \
  "[('late-2/plan', 'deadline', True)]"
run_json timers due --db sweep.db --sop "${example}" --within 3w --json
expect_eq "timers due --within looks ahead to late-1's reminder" \
  "$(py '[(t["task"], t["kind"]) for t in d["timers"] if t["campaign"] == "late-1"]' <<<"${out}")" \
  "[('late-1/plan', 'reminder')]"
run timers due --db sweep.db --sop "${example}" --within soon
expect_eq "timers due --within soon exit" "${code}" 2
expect_contains "timers due names the bad window" "${out}" '"soon" is not a duration'
run "${sweep[@]}"
expect_eq "sweep of an overdue task exit" "${code}" 0
expect_matches "sweep reports what it did" "${out}" \
  "^swept 1 campaign with something due: [1-9][0-9]* events written$"
run_json campaign show late-2 --db sweep.db --sop "${example}" --events --json
expect_eq "sweep recorded the breach of the plan's SLA" \
  "$(py '[e["step"] for e in d["events"] if e["type"] == "sla_breached"]' <<<"${out}")" \
  "['plan']"
expect_eq "sweep raised the SOP's escalation for late work" \
  "$(py 'len([e for e in d["events"] if e["type"] == "escalation_raised" and e["payload"]["escalation"] == "late-2/plan#delayed-work"]) > 0' <<<"${out}")" \
  "True"
run_json "${sweep[@]}" --json
# The breach is recorded and the escalation's next notice is later: the
# sweep does not even find the campaign again.
expect_eq "a second sweep finds nothing new" \
  "$(py '(d["ok"], d["campaigns"], d["events"])' <<<"${out}")" "(True, 0, 0)"
run_json timers run --db sweep.db --sop "${example}" --json
expect_eq "timers run sweeps once like sweep" \
  "$(py '(d["ok"], d["campaigns"], d["events"])' <<<"${out}")" "(True, 0, 0)"
run_json timers due --db sweep.db --sop "${example}" --within 2w --json
# Two months late, every notice of the escalation (two levels, three
# repeats) went out in the first sweep, and the breach is recorded: the
# late campaign has no timer left, the fresh one still its reminder.
expect_eq "nothing is left to fire for the late plan" \
  "$(py 'sorted({(t["campaign"], t["kind"]) for t in d["timers"]})' <<<"${out}")" \
  "[('late-1', 'reminder')]"
# A campaign whose history the engine cannot replay is reported, and the
# others are swept.
python3 - late-2.csv broken.csv <<'PY'
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
for row in rows:
    row["case:concept:name"] = "broken-1"
    payload = json.loads(row["livesop:payload"] or "{}")
    if "task" in payload:
        payload["task"] = payload["task"].replace("late-2", "broken-1")
    row["livesop:payload"] = json.dumps(payload)
bad = dict(rows[-1])
bad.update({"concept:name": "Mystery", "livesop:type": "step_finished",
            "livesop:step": "no-such-step",
            "livesop:payload": json.dumps({"step": "no-such-step", "outcome": "done"})})
rows.append(bad)
with open(sys.argv[2], "w", newline="") as out:
    writer = csv.DictWriter(out, fieldnames=rows[0].keys())
    writer.writeheader()
    writer.writerows(rows)
PY
run import --db sweep.db broken.csv
expect_eq "import broken-1 exit" "${code}" 0
run "${sweep[@]}"
expect_eq "sweep with a campaign it cannot sweep exit" "${code}" 1
expect_contains "sweep names the campaign it could not sweep" "${out}" \
  "not swept: broken-1:"
run_json "${sweep[@]}" --json
expect_eq "sweep --json lists the problem" \
  "$(py '(d["ok"], d["campaigns"], [p.split(":")[0] for p in d["problems"]])' <<<"${out}")" \
  "(False, 1, ['broken-1'])"

# --- the departures as conformance deviations ------------------------------------
# Checked against the SOP's process, each campaign's finished steps are a
# trace: the plan dev-1 skipped is a step the model expected and the log
# lacks, a move on the model alone.
run_json mine conformance store.db --model "${example}" --process product-launch \
  --method alignment --json
expect_eq "conformance on the store exit" "${code}" 0
expect_eq "conformance on the store: dev-1 misses the plan" \
  "$(py '[v["model_moves"][:1] for v in d["variants"] if "dev-1" in v["case_ids"]]' <<<"${out}")" \
  "[['Plan the campaign and write the brief']]"
expect_eq "conformance on the store: the types running the process" \
  "$(py 'd["model"]["campaign_types"]' <<<"${out}")" \
  "['product-launch', 'always-on', 'partnership']"
# --steps: every mine command reads campaigns as their step paths.
run_json mine variants store.db --steps --json --top 0
expect_eq "step paths: dev-1 starts at the review, the plan skipped" \
  "$(py '[v["activities"][0] for v in d["top"] if "dev-1" in v["example_cases"]]' <<<"${out}")" \
  "['Internal review of the brief']"
expect_eq "step paths: no task creations or refusals" \
  "$(py 'any(a.startswith("Refused") or a == "Submit request" for v in d["top"] for a in v["activities"])' <<<"${out}")" \
  "False"

finish
