#!/usr/bin/env bash
# End-to-end tests of `livesop calendar` and `livesop calendar plan`: a
# workspace from `livesop init`, its SOP published, campaigns submitted,
# then the calendar as a table, as JSON and as an iCalendar feed read back
# by an independent parser (Python's icalendar package, from Debian's
# python3-icalendar, hence /usr/bin/python3), the what-if and bad input.
#
#   tests/cli_calendar_test.sh BUILD/livesop SOURCE_DIR
#
# Prints one line per failure and, last, "N passed, M failed"; exits 1
# when anything failed.
set -uo pipefail

# shellcheck source=tests/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
take_args "$@"
pyical=/usr/bin/python3

enter_work_dir cli-calendar-test

run init ws
expect_eq "init exit" "${code}" 0
run sop publish ws/sop.yaml --db store.db --as ops --note "calendar test"
expect_eq "sop publish exit" "${code}" 0
db=(--db store.db)

# Dates: a launch five months out (clear of the lead times), a range that
# holds it, and a launch next week (too soon for every deadline).
read -r today launch to soon <<<"$(python3 -c '
import datetime
t = datetime.date.today()
l = t + datetime.timedelta(days=150)
while l.weekday() > 4: l += datetime.timedelta(days=1)
print(t, l, l + datetime.timedelta(days=30), t + datetime.timedelta(days=7))')"
write_request request.json "${today}" "${launch}" "${to}"
for id in c1 c2; do
  run campaign submit "${db[@]}" --type product-launch --title "Launch ${id}" \
    --id "${id}" --values request.json --as intan-permata
  expect_eq "submit ${id} exit" "${code}" 0
done

# --- the calendar as a table and as JSON ------------------------------------
run calendar "${db[@]}" --from "${today}" --to "${to}"
expect_eq "calendar exit" "${code}" 0
expect_contains "calendar groups by the launch date" "${out}" "${launch}"
expect_matches "calendar lists the launch" "${out}" "all day +c1 +Launch"
expect_contains "calendar lists conflicts" "${out}" "launches-per-channel"

run_json calendar "${db[@]}" --from "${today}" --to "${to}" --json
expect_eq "calendar --json exit" "${code}" 0
expect_eq "calendar --json launches" \
  "$(py 'sorted(i["campaign"] for i in d["items"] if i["kind"] == "launch" and i["date"] == "'"${launch}"'")' <<<"${out}")" \
  "['c1', 'c2']"
expect_eq "calendar --json deadlines before the launch" \
  "$(py 'all(i["date"] < "'"${launch}"'" for i in d["items"] if i["kind"] in ("deadline", "step"))' <<<"${out}")" "True"
expect_eq "calendar --json: two email launches on a day clash" \
  "$(py '[c["campaigns"] for c in d["conflicts"] if c["kind"] == "launches-per-channel"]' <<<"${out}")" \
  "[['c1', 'c2']]"

run_json calendar "${db[@]}" --from "${today}" --to "${to}" --campaign c1 --json
expect_eq "calendar --campaign shows only it" \
  "$(py 'sorted(set(i["campaign"] for i in d["items"]))' <<<"${out}")" "['c1']"

# --- the iCalendar feed, read by an independent parser ----------------------
# ics_facts FILE: "events todos" counts, then one line per component:
# UID SEQUENCE STATUS RELATED-TO DUE-or-DTSTART.
ics_facts() {
  "${pyical}" - "$1" <<'PY'
import sys
import icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
assert str(cal["VERSION"]) == "2.0", cal.get("VERSION")
assert "PRODID" in cal and "X-WR-CALNAME" in cal
events = cal.walk("VEVENT")
todos = cal.walk("VTODO")
print(len(events), len(todos))
for c in events + todos:
    when = c.get("DUE") or c.get("DTSTART")
    print(c["UID"], int(c.get("SEQUENCE", -1)), c["STATUS"],
          c["RELATED-TO"], when.dt.isoformat() if when else "-")
PY
}

run calendar "${db[@]}" --from "${today}" --to "${to}" --campaign c1 --ics -o feed1.ics
expect_eq "calendar --ics -o exit" "${code}" 0
expect_true "the feed was written" test -s feed1.ics
expect_true "no temporary file is left" test ! -e feed1.ics.tmp
facts1="$(ics_facts feed1.ics)"
read -r events todos <<<"$(head -n 1 <<<"${facts1}")"
items_c1="$("${livesop}" calendar "${db[@]}" --from "${today}" --to "${to}" \
  --campaign c1 --json 2>/dev/null | py 'len(d["items"])')"
expect_eq "the feed has the campaign's milestones as events" "${events}" "${items_c1}"
open_count="$("${livesop}" task list "${db[@]}" --sop ws/sop.yaml --campaign c1 --status open --json 2>/dev/null | py 'len(d["tasks"])')"
expect_eq "the feed has a todo per open task" "${todos}" "${open_count}"
expect_eq "every component is related to the campaign" \
  "$(tail -n +2 <<<"${facts1}" | awk '{print $4}' | sort -u)" "c1@livesop"
expect_contains "the launch has a stable UID" "${facts1}" "c1/launch@livesop"
expect_matches "open tasks are due and need action" "${facts1}" \
  "^c1/plan@livesop [0-9]+ NEEDS-ACTION c1@livesop [0-9]{4}-"
expect_matches "the launch is an all-day event" "${facts1}" \
  "^c1/launch@livesop 0 CONFIRMED c1@livesop ${launch}$"

run calendar "${db[@]}" --from "${today}" --to "${to}" --campaign c1 --ics -o feed2.ics
facts2="$(ics_facts feed2.ics)"
expect_eq "UIDs and sequences are stable across runs" "${facts2}" "${facts1}"

seq_of() { awk -v uid="$2" '$1 == uid {print $2}' <<<"$1"; }
plan_before="$(seq_of "${facts1}" "c1/step:plan@livesop")"
expect_matches "the plan step has a milestone" "${plan_before}" '^[0-9]+$'
run task complete c1 plan --as intan-permata "${db[@]}" --sop ws/sop.yaml
expect_eq "complete the plan step exit" "${code}" 0
run calendar "${db[@]}" --from "${today}" --to "${to}" --campaign c1 --ics -o feed3.ics
facts3="$(ics_facts feed3.ics)"
plan_after="$(seq_of "${facts3}" "c1/step:plan@livesop")"
expect_true "SEQUENCE grew after the campaign changed (${plan_before} -> ${plan_after})" \
  test "${plan_after:-0}" -gt "${plan_before:-0}"
expect_matches "the done task is completed" "${facts3}" \
  "^c1/plan@livesop [0-9]+ COMPLETED "
expect_eq "an unchanged item keeps its SEQUENCE" \
  "$(seq_of "${facts3}" "c1/launch@livesop")" "$(seq_of "${facts1}" "c1/launch@livesop")"

run calendar "${db[@]}" --from "${today}" --to "${to}" --person intan-permata --ics
expect_eq "person feed exit" "${code}" 0
expect_contains "person feed to stdout" "${out}" "BEGIN:VCALENDAR"
run calendar "${db[@]}" --from "${today}" --to "${to}" --team campaigns --ics
expect_eq "team feed exit" "${code}" 0
expect_contains "team feed names the team" "${out}" "team campaigns"

run campaign cancel c2 "${db[@]}" --sop ws/sop.yaml --reason "budget cut" --as intan-permata
run calendar "${db[@]}" --from "${today}" --to "${to}" --ics -o all.ics
expect_eq "whole feed exit" "${code}" 0
expect_matches "a cancelled campaign's items are CANCELLED" "$(ics_facts all.ics)" \
  "^c2/launch@livesop [0-9]+ CANCELLED c2@livesop"
run_json calendar "${db[@]}" --from "${today}" --to "${to}" --json
expect_eq "the table leaves cancelled campaigns out" \
  "$(py 'sorted(set(i["campaign"] for i in d["items"]))' <<<"${out}")" "['c1']"

# --- the what-if ------------------------------------------------------------
run calendar plan product-launch --launch "${launch}" "${db[@]}"
expect_eq "plan of a feasible date exit" "${code}" 0
expect_contains "plan says feasible" "${out}" ": feasible"
expect_contains "plan lists the brief deadline" "${out}" "Campaign brief reviewed"
run_json calendar plan product-launch --launch "${launch}" "${db[@]}" --json
expect_eq "plan --json feasible" "$(py 'd["feasible"] and not d["warnings"]' <<<"${out}")" "True"
run calendar plan product-launch --launch "${soon}" "${db[@]}"
expect_eq "plan of a date too soon exit" "${code}" 1
expect_contains "plan says not feasible" "${out}" "NOT feasible"
expect_matches "plan warns about a past deadline" "${out}" \
  "the Campaign brief reviewed deadline would be [0-9-]+, [0-9]+ business days? ago"
expect_contains "plan gives the earliest launch" "${out}" "earliest feasible launch: "

# --- bad input --------------------------------------------------------------
run calendar plan product-lunch --launch "${launch}" "${db[@]}"
expect_eq "plan of an unknown type exit" "${code}" 1
expect_contains "plan suggests the type" "${out}" "product-launch"
run calendar plan product-launch --launch 2026-13-45 "${db[@]}"
expect_eq "plan of a malformed date exit" "${code}" 2
expect_contains "plan names the malformed date" "${out}" \
  'launch date "2026-13-45" is not a date'
run calendar plan product-launch "${db[@]}"
expect_eq "plan without --launch exit" "${code}" 2
run calendar "${db[@]}" --from tomorrow
expect_eq "malformed --from exit" "${code}" 2
expect_contains "malformed --from says so" "${out}" "YYYY-MM-DD"
run calendar "${db[@]}" --from "${to}" --to "${today}"
expect_eq "--to before --from exit" "${code}" 2
run calendar "${db[@]}" --person intan-permta
expect_eq "unknown person exit" "${code}" 1
expect_contains "unknown person: did you mean" "${out}" 'did you mean "intan-permata"'
run calendar "${db[@]}" --team nobody-team
expect_eq "unknown team exit" "${code}" 1
run calendar "${db[@]}" --campaign c3
expect_eq "unknown campaign exit" "${code}" 1
expect_contains "unknown campaign: did you mean" "${out}" 'did you mean "c1"'
run calendar "${db[@]}" --person intan-permata --campaign c1
expect_eq "two scopes exit" "${code}" 2
run calendar "${db[@]}" --json --ics
expect_eq "--json with --ics exit" "${code}" 2

finish
