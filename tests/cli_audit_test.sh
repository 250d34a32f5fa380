#!/usr/bin/env bash
# End-to-end tests of `livesop audit`: a workspace from `livesop init`, its
# SOP published, the audit of the empty store, then four campaigns (three
# with their plan skipped by the Marketing Ops lead, one approved on
# WhatsApp at its completeness check, one run as written) audited as text
# and JSON, narrowed by type and period, and bad input.
#
#   tests/cli_audit_test.sh BUILD/livesop SOURCE_DIR
#
# Prints one line per failure and, last, "N passed, M failed"; exits 1
# when anything failed.
set -uo pipefail

# shellcheck source=tests/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
take_args "$@"

enter_work_dir cli-audit-test

run init ws
expect_eq "init exit" "${code}" 0
run sop publish ws/sop.yaml --db store.db --as ops --note "audit test"
expect_eq "sop publish exit" "${code}" 0
db=(--db store.db)

# --- the empty store ----------------------------------------------------------
run audit "${db[@]}"
expect_eq "audit of an empty store exit" "${code}" 0
expect_contains "an empty store says so" "${out}" \
  "No campaign in the store: nothing to audit."
run_json audit "${db[@]}" --json
expect_eq "empty --json exit" "${code}" 0
expect_eq "empty --json has no process" \
  "$(py '(d["campaigns"], d["processes"], d["answers"]["holding_together"]["bus_factor"])' <<<"${out}")" \
  "(0, [], 0)"

# --- four campaigns -------------------------------------------------------------
read -r today launch to <<<"$(python3 -c '
import datetime
t = datetime.date.today()
l = t + datetime.timedelta(days=150)
while l.weekday() > 4: l += datetime.timedelta(days=1)
print(t, l, l + datetime.timedelta(days=30))')"
write_request request.json "${today}" "${launch}" "${to}"
for id in a1 a2 a3 a4; do
  run campaign submit "${db[@]}" --type product-launch --title "Audit ${id}" \
    --id "${id}" --values request.json --as intan-permata
  expect_eq "submit ${id} exit" "${code}" 0
done
for id in a1 a2 a3; do
  run deviate skip "${id}" plan --reason "Brief agreed in the kickoff" \
    --as sari-kusuma "${db[@]}"
  expect_eq "skip ${id} exit" "${code}" 0
  run task approve "${id}" internal-review --as bayu-setiawan "${db[@]}"
  expect_eq "internal review ${id} exit" "${code}" 0
done
run task complete a1 submit-request --as intan-permata "${db[@]}"
expect_eq "submit request exit" "${code}" 0
run deviate approve a1 completeness-check --approver dimas-saputra \
  --channel whatsapp --reason "Dimas said ok in the team chat" \
  --as intan-permata "${db[@]}"
expect_eq "informal approval exit" "${code}" 0
run task complete a4 plan --as intan-permata "${db[@]}"
expect_eq "a4 plan exit" "${code}" 0
# a4 runs as written to its campaign approval, where the brand manager's
# word comes by email.
run task approve a4 internal-review --as bayu-setiawan "${db[@]}"
expect_eq "a4 internal review exit" "${code}" 0
run task complete a4 submit-request --as intan-permata "${db[@]}"
expect_eq "a4 submit request exit" "${code}" 0
run task approve a4 completeness-check --as dimas-saputra "${db[@]}"
expect_eq "a4 completeness check exit" "${code}" 0
run deviate approve a4 campaign-approval --approver larasati-putri \
  --channel email --reason "Larasati approved by email" --as intan-permata \
  "${db[@]}"
expect_eq "a4 informal campaign approval exit" "${code}" 0
for who in bayu-setiawan hendra-gunawan stefanus-tan; do
  run task approve a4 campaign-approval --as "${who}" "${db[@]}"
  expect_eq "a4 campaign approval by ${who} exit" "${code}" 0
done

# --- the audit as text ------------------------------------------------------------
run audit "${db[@]}"
expect_eq "audit exit" "${code}" 0
expect_matches "the header counts the campaigns" "${out}" \
  "^Audit of 4 campaigns \([0-9]+ events\), ${today} to ${today}$"
expect_contains "the process with its category" "${out}" \
  "[campaign-delivery], revenue-facing"
expect_contains "none on the documented path" "${out}" \
  "0% on the documented path"
expect_contains "the skipped plan is a gap" "${out}" \
  "gap / skipped-step: Plan the campaign and write the brief (plan) was skipped in 3 of 4 visits (75%)."
expect_contains "the skips name who skipped" "${out}" "people: sari-kusuma"
expect_contains "and the campaigns" "${out}" "campaigns: a1, a2, a3"
expect_matches "the plan step's row" "${out}" \
  "^    plan +task +5d +4 +[0-9.]+ +[0-9.]+ +0/[0-9]+ +3 +0 +0$"
expect_contains "question 1 counts the WhatsApp and email decisions" "${out}" \
  "By source: email 1 whatsapp 1."
expect_contains "question 3: control is lost first at the plan" "${out}" \
  "3. Control is lost first at: campaign-delivery/plan 75% (3); campaign-delivery/campaign-approval 25% (1)"
expect_contains "question 5: the lead handles most exceptions" "${out}" \
  "handled by sari-kusuma 60% (3), dimas-saputra 20% (1), larasati-putri 20% (1); bus factor 1"
expect_contains "maturity level 1 with what level 2 needs" "${out}" \
  "Maturity 1 (Initial); for level 2: at least half the campaigns on the documented path (0%)"
expect_contains "drift: too few campaigns for a change" "${out}" \
  "  product-launch: campaigns on the documented path 0% of 4, no change"
expect_contains "drift: no change point" "${out}" "  No change point."

expect_contains "the matrix table" "${out}" "The approval matrix against who decided"
expect_matches "the brand manager's approval came by email" "${out}" \
  "^  campaign-approval +product-launch +small +brand-manager +1 +1 +0 +1 +0 +0 +0 +larasati-putri 1 +-$"
expect_matches "the campaign lead decided in livesop" "${out}" \
  "^  campaign-approval +product-launch +small +campaign-lead +1 +1 +1 +0 +0 +0 +0 +bayu-setiawan 1 +-$"

# --- JSON -------------------------------------------------------------------------
run_json audit "${db[@]}" --json
expect_eq "--json exit" "${code}" 0
expect_eq "--json process figures" \
  "$(py '[(p["process"], p["category"], p["campaigns"], p["on_path"], p["maturity"]["level"]) for p in d["processes"]]' <<<"${out}")" \
  "[('campaign-delivery', 'revenue-facing', 4, 0, 1)]"
expect_eq "--json finding with evidence" \
  "$(py '[(f["code"], f["step"], f["count"], f["people"], f["campaigns"], len(f["evidence"]) == 3) for f in d["processes"][0]["findings"]]' <<<"${out}")" \
  "[('skipped-step', 'plan', 3, ['sari-kusuma'], ['a1', 'a2', 'a3'], True)]"
expect_eq "--json informal work" \
  "$(py '(d["answers"]["informal_work"]["all"]["informal_decisions"], d["answers"]["informal_work"]["all"]["by_source"])' <<<"${out}")" \
  "(2, {'email': 1, 'whatsapp': 1})"
expect_eq "--json the version's life" \
  "$(py '[(v["version"], v["campaigns"], v["on_path_share"], v["days_real"]) for v in d["answers"]["sop_versions"]]' <<<"${out}")" \
  "[('1.0.0', 4, 0.0, -1)]"
expect_eq "--json drift series of the type" \
  "$(py '[(r["campaign_type"], r["measure"], r["cases"], r["rate"], r["changes"], [w["campaigns"] for w in r["weeks"]]) for r in d["drift"]]' <<<"${out}")" \
  "[('product-launch', 'on_path', 4, 0.0, [], [4])]"
expect_eq "--json the matrix" \
  "$(py 'sorted((c["role"], c["rule"], c["named"], c["decided"], c["informal"]) for c in d["matrix"])' <<<"${out}")" \
  "[('brand-manager', 'brand-fit', 1, 0, 1), ('campaign-lead', 'small-budget', 1, 1, 0), ('crm-specialist', 'email-consent', 1, 1, 0), ('product-marketing-manager', 'product-accuracy', 1, 1, 0)]"
expect_eq "--json evidence points at events" \
  "$(py 'd["processes"][0]["findings"][0]["evidence"][0]["campaign"]' <<<"${out}")" "a1"

# --- the HTML report ------------------------------------------------------------------
run audit "${db[@]}" --html report/audit.html
expect_eq "--html exit" "${code}" 0
expect_contains "--html says where" "${out}" "report written to report/audit.html"
expect_true "the report is written" test -s report/audit.html
html="$(cat report/audit.html 2>/dev/null)"
expect_contains "the report has its findings" "${html}" "gap · skipped-step"
expect_contains "the report links the evidence" "${html}" '<a href="#c0">a1</a>'
expect_contains "the report has charts" "${html}" '<div class="chart"><svg'
expect_contains "the report has process maps" "${html}" '<div class="map"><svg'
expect_not_contains "the report runs no script" "${html}" "<script"
expect_true "no temporary file is left" test ! -e report/audit.html.tmp
run audit "${db[@]}" --html store.db/audit.html
expect_eq "--html into a file's path exit" "${code}" 3
expect_contains "--html names the path" "${out}" "store.db/audit.html"

# --- narrowing --------------------------------------------------------------------
run_json audit "${db[@]}" --json --type seasonal
expect_eq "--type seasonal exit" "${code}" 0
expect_eq "--type seasonal has no campaign" \
  "$(py 'd["campaigns"]' <<<"${out}")" "0"
run_json audit "${db[@]}" --json --from "${to}"
expect_eq "--from after every campaign" "$(py 'd["campaigns"]' <<<"${out}")" "0"
run_json audit "${db[@]}" --json --to "${today}" --min-count 4
expect_eq "--min-count 4 leaves no finding" \
  "$(py '(d["campaigns"], d["processes"][0]["findings"])' <<<"${out}")" "(4, [])"

# --- bad input --------------------------------------------------------------------
run audit "${db[@]}" --from 2026-13-01
expect_eq "a malformed date exit" "${code}" 2
expect_contains "a malformed date is named" "${out}" \
  "--from \"2026-13-01\" is not a date: write YYYY-MM-DD"
run audit "${db[@]}" --from 2026-05-01 --to 2026-04-01
expect_eq "--to before --from exit" "${code}" 2
expect_contains "--to before --from is named" "${out}" \
  "--to 2026-04-01 is before --from 2026-05-01"
run audit "${db[@]}" --type launch
expect_eq "an unknown type exit" "${code}" 1
expect_contains "an unknown type is named" "${out}" \
  "unknown campaign type \"launch\""
run audit "${db[@]}" --min-share 2
expect_eq "--min-share out of range exit" "${code}" 2
run audit --db missing-dir/none.db
expect_true "a store that cannot be opened fails" test "${code}" -ne 0

finish
