#!/usr/bin/env bash
# End-to-end tests of side paths: `livesop import whatsapp` into a workspace
# from `livesop init` with one campaign (a dry run, the import, the same
# file again, several files at once), the review queue (`livesop inbox
# review`, accept with a remembered sender), inbound hooks (`livesop hook`,
# `livesop import webhook`), and bad input.
#
#   tests/cli_side_test.sh BUILD/livesop SOURCE_DIR
#
# Prints one line per failure and, last, "N passed, M failed"; exits 1
# when anything failed.
set -uo pipefail

# shellcheck source=tests/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
take_args "$@"

enter_work_dir cli-side-test

run init ws
expect_eq "init exit" "${code}" 0
run sop publish ws/sop.yaml --db store.db --as ops --note "side test"
expect_eq "sop publish exit" "${code}" 0
db=(--db store.db)

read -r today launch to yesterday <<<"$(python3 -c '
import datetime
t = datetime.date.today()
l = t + datetime.timedelta(days=150)
while l.weekday() > 4: l += datetime.timedelta(days=1)
y = t - datetime.timedelta(days=1)
print(t, l, l + datetime.timedelta(days=30), y.strftime("%d/%m/%Y"))')"
write_request request.json "${today}" "${launch}" "${to}"
run campaign submit "${db[@]}" --type product-launch --title "Ramadan Sale" \
  --id CMP-0142 --values request.json --as intan-permata
expect_eq "submit exit" "${code}" 0
run task complete CMP-0142 plan --as intan-permata "${db[@]}"
expect_eq "plan exit" "${code}" 0

cat >"WhatsApp Chat with Launch Team.txt" <<CHAT
${yesterday}, 09:58 - Messages and calls are end-to-end encrypted.
${yesterday}, 10:00 - Intan Permata: Brief for CMP-0142 is in the drive, brief sent
${yesterday}, 10:05 - Bayu Setiawan: approved 👍
${yesterday}, 10:06 - +62 899-0000-0000: ok lanjut
${yesterday}, 10:07 - Bayu Setiawan: launched?
CHAT
chat="WhatsApp Chat with Launch Team.txt"
side=(--as intan-permata --tz Asia/Jakarta --date-order dmy "${db[@]}")

# --- a dry run writes nothing ---------------------------------------------------
run_json import whatsapp "${chat}" "${side[@]}" --dry-run --json
expect_eq "dry run exit" "${code}" 0
expect_eq "dry run counts" \
  "$(py '(d["messages_read"], d["events"], d["review_queue"], d["ignored"], d["events_written"], d["dry_run"])' <<<"${out}")" \
  "(5, 2, 1, 2, 0, True)"
run_json inbox review "${db[@]}" --json
expect_eq "the dry run queued nothing" "$(py 'len(d["messages"])' <<<"${out}")" "0"

# --- the import -------------------------------------------------------------------
run_json import whatsapp "${chat}" "${side[@]}" --json
expect_eq "import exit" "${code}" 0
expect_eq "import counts" \
  "$(py '(d["messages_read"], d["events"], d["review_queue"], d["ignored"])' <<<"${out}")" \
  "(5, 2, 1, 2)"
expect_eq "the approval lands on the internal review" \
  "$(py '[(m["person"], m["step"]) for m in d["made"] if m["activity"] == "approval"]' <<<"${out}")" \
  "[('bayu-setiawan', 'internal-review')]"
expect_eq "the unknown sender is listed" \
  "$(py 'd["unknown_senders"]' <<<"${out}")" "{'+62 899-0000-0000': 1}"
expect_eq "the question is ignored with its reason" \
  "$(py 'd["messages"][4]["reason"]' <<<"${out}")" \
  'a question, not a statement: "launched"'
run_json campaign show CMP-0142 --events --json "${db[@]}"
expect_eq "campaign show exit" "${code}" 0
expect_contains "the history has the approval from WhatsApp" "${out}" '"informal_approval"'
expect_contains "the history has the brief sent" "${out}" '"side_activity"'

# --- the same file again adds nothing ---------------------------------------------
run_json import whatsapp "${chat}" "${side[@]}" --json
expect_eq "again exit" "${code}" 0
expect_eq "again counts" \
  "$(py '(d["events"], d["ignored"], d["already_imported"], d["events_written"])' <<<"${out}")" \
  "(0, 5, 5, 0)"
run import whatsapp "${chat}" "${side[@]}"
expect_contains "the text report says so" "${out}" "(5 imported before)"

# --- the review queue ---------------------------------------------------------------
run_json inbox review "${db[@]}" --json
expect_eq "one message waits" "$(py 'len(d["messages"])' <<<"${out}")" "1"
id="$(py 'd["messages"][0]["id"][:10]' <<<"${out}")"
run inbox review "${db[@]}"
expect_contains "the queue as text says why" "${out}" "unknown sender +62 899-0000-0000"
run inbox review accept "${id}" --activity launched --person intan-permata \
  --remember --as bayu-setiawan "${db[@]}"
expect_eq "accept exit" "${code}" 0
expect_contains "accept says what it recorded" "${out}" "launched in CMP-0142 by intan-permata"
run inbox review accept "${id}" --activity launched --as bayu-setiawan "${db[@]}"
expect_eq "accepting twice is refused" "${code}" 1
run_json inbox review "${db[@]}" --json
expect_eq "the queue is empty" "$(py 'len(d["messages"])' <<<"${out}")" "0"
cat >"WhatsApp Chat with Launch Team 2.txt" <<CHAT
${yesterday}, 12:00 - +62 899-0000-0000: CMP-0142 sudah tayang di IG
CHAT
run_json import whatsapp "WhatsApp Chat with Launch Team 2.txt" "${side[@]}" --json
expect_eq "the remembered sender is known" \
  "$(py '(d["events"], d["messages"][0]["person"])' <<<"${out}")" "(1, 'intan-permata')"

# --- several files at once: every file is read first ------------------------------
cat >"WhatsApp Chat with Launch Team 3.txt" <<CHAT
${yesterday}, 13:00 - Intan Permata: key visual for CMP-0142 is final, artwork done
CHAT
printf 'Feb 10, 2026 09:15 - Dewi: approved\n' >unreadable.txt
run import whatsapp "WhatsApp Chat with Launch Team 3.txt" unreadable.txt "${side[@]}"
expect_eq "a file that cannot be read exit" "${code}" 1
expect_contains "it names that file" "${out}" "unreadable.txt:1"
run_json import whatsapp "WhatsApp Chat with Launch Team 3.txt" \
  "WhatsApp Chat with Launch Team 2.txt" "${side[@]}" --json
expect_eq "two files exit" "${code}" 0
expect_eq "nothing of the first was imported before; the second was" \
  "$(py '(d["messages_read"], d["events"], d["already_imported"], [(f["file"][-5:], f["events"]) for f in d["files"]])' <<<"${out}")" \
  "(2, 1, 1, [('3.txt', 1), ('2.txt', 0)])"

# --- inbound hooks -----------------------------------------------------------------
run_json hook add asana --as intan-permata "${db[@]}" --json
expect_eq "hook add exit" "${code}" 0
expect_eq "hook add gives the path" "$(py 'd["path"]' <<<"${out}")" "/hooks/side/asana"
secret="$(py 'd["secret"]' <<<"${out}")"
expect_eq "the secret is a Standard Webhooks secret" "${secret:0:6}" "whsec_"
run hook add asana --as intan-permata "${db[@]}"
expect_eq "a name taken exit" "${code}" 1
run hook add "Bad Name" --as intan-permata "${db[@]}"
expect_eq "a malformed name exit" "${code}" 1
expect_contains "it says how names look" "${out}" "a-z, 0-9 and '-'"
run hook list "${db[@]}"
expect_contains "the list names the hook" "${out}" "/hooks/side/asana"
if [[ "${out}" == *"${secret}"* ]]; then
  fail "hook list shows the secret"
else
  pass
fi
run hook revoke asana "${db[@]}"
expect_eq "hook revoke exit" "${code}" 0
run_json hook list "${db[@]}" --json
expect_eq "the hook is revoked" \
  "$(py '[h["revoked"] is not None for h in d["hooks"]]' <<<"${out}")" "[True]"
run hook revoke jira "${db[@]}"
expect_eq "revoking an unknown hook exit" "${code}" 1
cat >delivery.json <<JSON
{"conversation": "Campaign board", "messages": [
  {"id": "c-1", "time": "$(date -u -d yesterday +%Y-%m-%dT14:00:00Z)",
   "sender": "bayu.setiawan@lumina.example", "text": "CMP-0142 sudah tayang di IG"}]}
JSON
run_json import webhook delivery.json "${side[@]}" --json
expect_eq "import webhook exit" "${code}" 0
expect_eq "the tool's message is matched by email" \
  "$(py '(d["events"], d["messages"][0]["person"], d["messages"][0]["activity"])' <<<"${out}")" \
  "(1, 'bayu-setiawan', 'launched')"
printf '[{"id": "c-2", "time": "2026-03-02 09:00", "sender": "x"}]' >bad-delivery.json
run import webhook bad-delivery.json "${side[@]}"
expect_eq "a time without offset exit" "${code}" 1
expect_contains "it names the message and field" "${out}" 'message 1 (id "c-2"): field "time"'

# --- bad input ---------------------------------------------------------------------
printf 'Feb 10, 2026 09:15 - Dewi: approved\n' >bad.txt
run import whatsapp bad.txt "${side[@]}"
expect_eq "an unknown layout exit" "${code}" 1
expect_contains "it names the file and line" "${out}" "bad.txt:1: no line starts with a date"
run import whatsapp missing.txt "${side[@]}"
expect_eq "a missing file exit" "${code}" 2
run import whatsapp "${chat}" --as nobody --date-order dmy "${db[@]}"
expect_eq "an importer who is no one exit" "${code}" 1
expect_contains "it says who to give" "${out}" "--as"
run import whatsapp "${chat}" "${side[@]}" --date-order dym
expect_eq "a bad date order is a usage error" "${code}" 2
run import whatsapp
expect_eq "no file is a usage error" "${code}" 2
run import
expect_eq "import without a file or connector is a usage error" "${code}" 2

finish
