#!/usr/bin/env bash
# End-to-end tests of `livesop report`: a workspace from `livesop init`, its
# SOP published, the report of the empty store, then two campaigns (one
# sent back at its internal review, approved informally at its completeness
# check and over its budget; one cancelled) reported as text, JSON and CSV,
# narrowed by period and type, and bad input.
#
#   tests/cli_report_test.sh BUILD/livesop SOURCE_DIR
#
# Prints one line per failure and, last, "N passed, M failed"; exits 1
# when anything failed.
set -uo pipefail

# shellcheck source=tests/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
take_args "$@"

enter_work_dir cli-report-test

run init ws
expect_eq "init exit" "${code}" 0
run sop publish ws/sop.yaml --db store.db --as ops --note "report test"
expect_eq "sop publish exit" "${code}" 0
db=(--db store.db)

# --- the empty store ----------------------------------------------------------
run report "${db[@]}"
expect_eq "report of an empty store exit" "${code}" 0
expect_contains "an empty store says so" "${out}" \
  "The store holds no campaigns yet: nothing to report."
run_json report "${db[@]}" --json
expect_eq "empty --json exit" "${code}" 0
expect_eq "empty --json counts nothing" \
  "$(py '(d["campaigns_in_store"], d["status"]["total"], d["campaigns"], d["launch"]["on_time_share"])' <<<"${out}")" \
  "(0, 0, [], None)"
run_json report "${db[@]}" --csv
expect_eq "empty --csv is the header only" "$(wc -l <<<"${out}")" "1"

# --- two campaigns --------------------------------------------------------------
# A launch five months out (clear of the lead times), submitted today.
read -r today launch to later <<<"$(python3 -c '
import datetime
t = datetime.date.today()
l = t + datetime.timedelta(days=150)
while l.weekday() > 4: l += datetime.timedelta(days=1)
print(t, l, l + datetime.timedelta(days=30), l + datetime.timedelta(days=60))')"
write_request request.json "${today}" "${launch}" "${to}"
for id in r1 r2; do
  run campaign submit "${db[@]}" --type product-launch --title "Report ${id}" \
    --id "${id}" --values request.json --as intan-permata
  expect_eq "submit ${id} exit" "${code}" 0
done
run task complete r1 plan --as intan-permata "${db[@]}"
expect_eq "plan exit" "${code}" 0
run task request-changes r1 internal-review --as bayu-setiawan \
  --comment "Sharpen the key message" "${db[@]}"
expect_eq "request changes exit" "${code}" 0
run task complete r1 plan --as intan-permata "${db[@]}"
expect_eq "plan again exit" "${code}" 0
run task approve r1 internal-review --as bayu-setiawan "${db[@]}"
expect_eq "internal review exit" "${code}" 0
run task complete r1 submit-request --as intan-permata "${db[@]}"
expect_eq "submit request exit" "${code}" 0
run deviate approve r1 completeness-check --approver dimas-saputra \
  --channel whatsapp --reason "Dimas said ok in the team chat" \
  --as intan-permata "${db[@]}"
expect_eq "informal approval exit" "${code}" 0
run campaign spend r1 30,000,000 --note "Agency invoice" --as intan-permata "${db[@]}"
expect_eq "spend exit" "${code}" 0
run campaign cancel r2 --reason "budget moved" --as intan-permata "${db[@]}"
expect_eq "cancel exit" "${code}" 0

# --- the report as text ---------------------------------------------------------
run report "${db[@]}"
expect_eq "report exit" "${code}" 0
expect_contains "text names the period" "${out}" "Department report: every campaign"
expect_matches "status by type" "${out}" \
  "^  product-launch +2 +1 +0 +0 +1$"
expect_matches "launches: one not yet, one never" "${out}" \
  "^  all +0 +0 +1 +0 +1 +0 +- "
expect_matches "the internal review was sent back once" "${out}" \
  "^  internal-review +all +2 +[0-9.]+ +[0-9.]+ +0 +1 +1 of 1$"
expect_matches "the completeness check was approved outside the app" "${out}" \
  "^  completeness-check +all +1 +[0-9.]+ +[0-9.]+ +1 +0 +0 of 1$"
expect_matches "r1 is over its budget" "${out}" \
  "^    r1 +product-launch +25,000,000 +30,000,000 +-5,000,000 +120.0% +over$"
expect_matches "spend totals in IDR" "${out}" \
  "^  all +2 +50,000,000 +30,000,000 +20,000,000 +60.0% +1 +0$"

# --- JSON -------------------------------------------------------------------------
run_json report "${db[@]}" --json
expect_eq "--json exit" "${code}" 0
expect_eq "--json status" \
  "$(py '(d["status"]["total"], d["status"]["active"], d["status"]["cancelled"])' <<<"${out}")" \
  "(2, 1, 1)"
expect_eq "--json launches" \
  "$(py '[(c["campaign"], c["launch_status"], c["launch_date"]) for c in d["campaigns"]]' <<<"${out}")" \
  "[('r1', 'not_yet', '${launch}'), ('r2', 'never_launched', '${launch}')]"
expect_eq "--json internal review" \
  "$(py '[(a["decisions"], a["changes_requested"], a["campaigns_with_revisions"], a["informal"]) for a in d["approvals"] if a["step"] == "internal-review"]' <<<"${out}")" \
  "[(2, 1, 1, 0)]"
expect_eq "--json informal approvals by role" \
  "$(py '[(r["role"], r["informal"]) for a in d["approvals"] if a["step"] == "completeness-check" for r in a["roles"]]' <<<"${out}")" \
  "[('marketing-ops-specialist', 1)]"
expect_eq "--json spend of r1" \
  "$(py '[(c["budget"], c["spent"], c["remaining"], c["used_pct"], c["over_budget"]) for c in d["campaigns"] if c["campaign"] == "r1"]' <<<"${out}")" \
  "[(25000000.0, 30000000.0, -5000000.0, 120.0, True)]"
expect_eq "--json cycle time: nothing completed" \
  "$(py '(d["cycle_time"]["days"]["count"], d["cycle_time"]["open"], d["cycle_time"]["rejected_or_cancelled"])' <<<"${out}")" \
  "(0, 1, 1)"
expect_eq "--json currency" "$(py 'd["currency"]' <<<"${out}")" "IDR"

# --- CSV --------------------------------------------------------------------------
run_json report "${db[@]}" --csv
expect_eq "--csv exit" "${code}" 0
expect_eq "--csv: a header and a row per campaign" "$(wc -l <<<"${out}")" "3"
expect_eq "--csv rows read back" \
  "$(python3 -c '
import csv, sys
rows = list(csv.DictReader(sys.stdin))
print([(r["campaign"], r["status"], r["launch_status"], r["informal"], r["changes_requested"], r["spent"], r["over_budget"]) for r in rows])' <<<"${out}")" \
  "[('r1', 'active', 'not_yet', '1', '1', '30000000', 'true'), ('r2', 'cancelled', 'never_launched', '0', '0', '0', 'false')]"

# --- the period and the type ------------------------------------------------------
run_json report "${db[@]}" --from "${launch}" --to "${launch}" --json
expect_eq "a period of the launch day holds both" \
  "$(py 'len(d["campaigns"])' <<<"${out}")" "2"
run report "${db[@]}" --from "${to}" --to "${later}"
expect_eq "an empty period exit" "${code}" 0
expect_contains "an empty period says so" "${out}" \
  "No campaign falls in the period (2 in the store): nothing to report."
run_json report "${db[@]}" --type product-launch --json
expect_eq "--type product-launch" "$(py 'len(d["campaigns"])' <<<"${out}")" "2"
run report "${db[@]}" --type always-on
expect_eq "--type with no campaigns exit" "${code}" 0
expect_contains "--type with no campaigns says so" "${out}" \
  "The store holds no campaigns of type always-on yet"

# --- bad input --------------------------------------------------------------------
run report "${db[@]}" --from 2026-13-45
expect_eq "malformed --from exit" "${code}" 2
expect_contains "malformed --from is named" "${out}" \
  '--from "2026-13-45" is not a date: write YYYY-MM-DD'
run report "${db[@]}" --to tomorrow
expect_eq "malformed --to exit" "${code}" 2
expect_contains "malformed --to is named" "${out}" '--to "tomorrow"'
run report "${db[@]}" --from "${later}" --to "${today}"
expect_eq "--from after --to exit" "${code}" 2
expect_contains "--from after --to says so" "${out}" "is after --to"
run report "${db[@]}" --type product-lunch
expect_eq "unknown --type exit" "${code}" 1
expect_contains "unknown --type: did you mean" "${out}" \
  'did you mean "product-launch"'
run report "${db[@]}" --json --csv
expect_eq "--json with --csv exit" "${code}" 2

finish
