#!/usr/bin/env bash
# End-to-end tests of `livesop propose`: a workspace from `livesop init`,
# its SOP published, then five campaigns whose brand approval the Marketing
# Ops lead hands to the product marketing manager each time. The proposals
# (a delegate, an approval rule) as text and JSON; one accepted by the
# SOP's owner into version 1.1.0, published and written out; refusals.
#
#   tests/cli_propose_test.sh BUILD/livesop SOURCE_DIR
#
# Prints one line per failure and, last, "N passed, M failed"; exits 1
# when anything failed.
set -uo pipefail

# shellcheck source=tests/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
take_args "$@"

enter_work_dir cli-propose-test

run init ws
expect_eq "init exit" "${code}" 0
run sop publish ws/sop.yaml --db store.db --as ops --note "propose test"
expect_eq "sop publish exit" "${code}" 0
db=(--db store.db)

run propose "${db[@]}"
expect_eq "propose on an empty store exit" "${code}" 0
expect_contains "nothing to propose" "${out}" \
  "The history gives no reason to change the SOP."

read -r today launch to <<<"$(python3 -c '
import datetime
t = datetime.date.today()
l = t + datetime.timedelta(days=150)
while l.weekday() > 4: l += datetime.timedelta(days=1)
print(t, l, l + datetime.timedelta(days=30))')"
write_request request.json "${today}" "${launch}" "${to}"
for i in 1 2 3 4 5; do
  id="p${i}"
  run campaign submit "${db[@]}" --type product-launch --title "P ${i}" \
    --id "${id}" --values request.json --as intan-permata
  expect_eq "submit ${id} exit" "${code}" 0
  run task complete "${id}" plan --as intan-permata "${db[@]}"
  run task approve "${id}" internal-review --as bayu-setiawan "${db[@]}"
  run task complete "${id}" submit-request --as intan-permata "${db[@]}"
  run task approve "${id}" completeness-check --as dimas-saputra "${db[@]}"
  expect_eq "${id} reaches its campaign approval" "${code}" 0
  run deviate reassign "${id}" campaign-approval --to hendra-gunawan \
    --role brand-manager --reason "Larasati is at the shoot" \
    --as sari-kusuma "${db[@]}"
  expect_eq "reassign ${id} exit" "${code}" 0
  for who in hendra-gunawan hendra-gunawan bayu-setiawan stefanus-tan; do
    run task approve "${id}" campaign-approval --as "${who}" "${db[@]}"
    expect_eq "${id} approved by ${who}" "${code}" 0
  done
done

# --- the proposals ------------------------------------------------------------------
run propose "${db[@]}"
expect_eq "propose exit" "${code}" 0
expect_contains "two proposals" "${out}" \
  "Proposals for SOP marketing-ops 1.0.0 from 5 campaigns: 2"
expect_contains "a delegate for the brand manager" "${out}" \
  "Make hendra-gunawan a delegate of larasati-putri"
expect_contains "with its reason" "${out}" \
  "larasati-putri's tasks were reassigned to hendra-gunawan 5 times"
expect_contains "and its diff" "${out}" \
  "+    delegates: [yoga-prasetyo, hendra-gunawan]"
expect_contains "the brand rule to who decides" "${out}" \
  "+        approvers: [product-marketing-manager]"
expect_contains "the campaigns behind it" "${out}" "Campaigns: p1, p2, p3, p4, p5"
run_json propose "${db[@]}" --json
expect_eq "--json exit" "${code}" 0
expect_eq "--json proposals" \
  "$(py '[(p["id"], p["kind"], len(p["campaigns"]), [(e["file"], e["insert"]) for e in p["edits"]]) for p in d["proposals"]]' <<<"${out}")" \
  "[('add-delegate:larasati-putri/hendra-gunawan', 'add-delegate', 5, [('organisation.yaml', False)]), ('change-approver:campaign-approval/brand-fit/brand-manager', 'change-approver', 5, [('approvals.yaml', False)])]"
run_json propose "${db[@]}" --json --min-count 6
expect_eq "--min-count 6 leaves none" "$(py 'd["proposals"]' <<<"${out}")" "[]"

# --- accepting one ------------------------------------------------------------------
proposal=add-delegate:larasati-putri/hendra-gunawan
run propose accept "${proposal}" --as intan-permata "${db[@]}"
expect_eq "a campaign manager may not accept" "${code}" 1
expect_contains "the refusal names the owner" "${out}" \
  "only the SOP's owner (head-of-marketing-ops) accepts changes to the SOP"
run propose accept no-such-proposal --as andi-pratama "${db[@]}"
expect_eq "an unknown proposal exit" "${code}" 1
expect_contains "the unknown proposal lists the others" "${out}" \
  "no proposal no-such-proposal for SOP 1.0.0 (the proposals now: ${proposal}, "
run propose accept "${proposal}" --as andi-pratama "${db[@]}" -o next
expect_eq "the owner accepts exit" "${code}" 0
expect_contains "a new version is published" "${out}" \
  "andi-pratama accepted ${proposal}: SOP marketing-ops 1.1.0 published, its files written to next"
expect_contains "the diff raises the version" "${out}" "+  version: 1.1.0"
run sop versions "${db[@]}"
expect_matches "the store has 1.1.0 by the owner" "${out}" \
  "^1\.1\.0 +marketing-ops +[0-9TZ:-]+ +andi-pratama +[0-9a-f]+ +proposal ${proposal}"
run check next/sop.yaml
expect_eq "the files written check clean" "${code}" 0
expect_contains "as 1.1.0" "${out}" "version 1.1.0"
run propose "${db[@]}"
expect_contains "the accepted proposal is gone" "${out}" \
  "Proposals for SOP marketing-ops 1.1.0 from 5 campaigns: 1"
run propose accept "${proposal}" --as andi-pratama "${db[@]}"
expect_eq "accepting it again exit" "${code}" 1

# --- bad input ----------------------------------------------------------------------
run propose accept "${proposal}" "${db[@]}"
expect_eq "accept without --as exit" "${code}" 2
run propose
expect_eq "propose without a store exit" "${code}" 2
expect_contains "says the store is needed" "${out}" "--db is required"

finish
