#!/usr/bin/env bash
# End-to-end tests of notification delivery: `livesop notify run|webhook|
# deliveries|replay|prefs|test` and `livesop inbox [read]`. Runs the real
# binary against a temporary SQLite store and the example SOP, with a real
# webhook receiver (tests/webhook_receiver.py, which checks the Standard
# Webhooks signature itself) and a real SMTP server
# (tests/smtp_receiver.py, aiosmtpd) on loopback, both started here and
# stopped on exit. Retries are made due with `notify replay`, never by
# waiting.
#
#   tests/cli_notify_test.sh BUILD/livesop SOURCE_DIR
#
# Prints one line per failure and, last, exactly one line "N passed, M
# failed"; exits 1 when anything failed. Needs Debian's python3 with
# python3-aiosmtpd.
set -uo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 LIVESOP_BINARY SOURCE_DIR" >&2
  exit 2
fi
livesop="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
source_dir="$(cd "$2" && pwd)"
# shellcheck source=tests/lib.sh
source "${source_dir}/tests/lib.sh"

work_dir="$(mktemp -d "${TMPDIR:-/tmp}/livesop-cli-notify-test.XXXXXX")"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "${pid}" 2>/dev/null && wait "${pid}" 2>/dev/null; done
  rm -rf "${work_dir}"
}
trap cleanup EXIT
cd "${work_dir}" || exit 2
unset LIVESOP_DB LIVESOP_SOP LIVESOP_SMTP LIVESOP_MAIL_FROM

system_python=/usr/bin/python3
if ! "${system_python}" -c 'import aiosmtpd' 2>/dev/null; then
  echo "FAIL: ${system_python} has no aiosmtpd (apt-get install python3-aiosmtpd)"
  echo "0 passed, 1 failed"
  exit 1
fi

# wait_for_port FILE: the port a receiver wrote, once it listens.
wait_for_port() {
  for _ in $(seq 1 200); do
    if [ -s "$1" ]; then cat "$1"; return 0; fi
    sleep 0.05
  done
  return 1
}

"${livesop}" init ws >/dev/null || exit 2
store=(--db store.db --sop ws/sop.yaml)
secret="whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

echo 200 >mode
"${system_python}" "${source_dir}/tests/webhook_receiver.py" --port-file \
  webhook.port --log webhook.log --mode mode --secret "${secret}" &
pids+=($!)
"${system_python}" "${source_dir}/tests/smtp_receiver.py" --port-file \
  smtp.port --dir mail --refuse refuse &
pids+=($!)
webhook_port="$(wait_for_port webhook.port)" || { echo "FAIL: no webhook receiver"; exit 1; }
smtp_port="$(wait_for_port smtp.port)" || { echo "FAIL: no SMTP server"; exit 1; }
hook_url="http://127.0.0.1:${webhook_port}/hooks"
smtp=(--smtp "smtp://127.0.0.1:${smtp_port}" --mail-from ops@lumina.example)

# requests EXPR: EXPR on the webhook requests received (`r`, a list).
requests() {
  python3 -c '
import json, sys
r = [json.loads(l) for l in open("webhook.log")] if __import__("os").path.exists("webhook.log") else []
print(eval(sys.argv[1]))' "$1"
}
# deliveries EXPR: EXPR on `notify deliveries --json` (`d`, the rows).
deliveries() {
  "${livesop}" notify deliveries --db store.db --json 2>/dev/null |
    py '(lambda d: '"$1"')(d["deliveries"])'
}
# mail EXPR: EXPR on the messages received, parsed by Python's email
# package (`m`, oldest first).
mail() {
  python3 -c '
import email, email.policy, glob, sys
files = sorted(glob.glob("mail/*.eml"), key=lambda f: int(f.split("/")[-1][:-4]))
m = [email.message_from_binary_file(open(f, "rb"), policy=email.policy.default) for f in files]
print(eval(sys.argv[1]))' "$1"
}

# --- help and usage -------------------------------------------------------------

for cmd in "notify run" "notify webhook add" "notify webhook list" \
           "notify webhook remove" "notify deliveries" "notify replay" \
           "notify prefs" "notify test" "inbox" "inbox read"; do
  # shellcheck disable=SC2086 # the command is two or three words
  run ${cmd} --help
  expect_eq "${cmd} --help exit" "${code}" 0
  expect_contains "${cmd} --help mentions exit codes" "${out}" "Exit codes"
done
run notify
expect_eq "notify without a subcommand exit" "${code}" 2

# --- bad input ------------------------------------------------------------------

run notify webhook add ftp://example.com/hook --db store.db
expect_eq "a non-http webhook URL exit" "${code}" 1
expect_contains "a non-http webhook URL is named" "${out}" '"ftp://example.com/hook" must start with http:// or https://'
run notify webhook add "${hook_url}" --secret not-a-secret --db store.db
expect_eq "a malformed secret exit" "${code}" 1
expect_contains "a malformed secret says how one looks" "${out}" 'does not start with "whsec_"'
run notify webhook add "${hook_url}" --secret whsec_c2hvcnQ= --db store.db
expect_eq "a short secret exit" "${code}" 1
expect_contains "a short secret says so" "${out}" "too few"
run notify webhook remove wh_nope --db store.db
expect_eq "removing an unknown endpoint exit" "${code}" 1
expect_contains "removing an unknown endpoint names it" "${out}" 'no webhook endpoint "wh_nope"'
run notify deliveries --status lost --db store.db
expect_eq "an unknown status exit" "${code}" 2
expect_contains "an unknown status is named" "${out}" 'unknown status "lost"; use pending, sent or dead'
run notify replay 4242 --db store.db
expect_eq "replaying an unknown delivery exit" "${code}" 1
expect_contains "replaying an unknown delivery names it" "${out}" "no delivery 4242"
run notify replay abc --db store.db
expect_eq "a delivery id that is no number exit" "${code}" 2
run notify replay --db store.db
expect_eq "replay without ids or --dead exit" "${code}" 2
run notify prefs sari-kusma --email daily "${store[@]}"
expect_eq "prefs for an unknown person exit" "${code}" 1
expect_contains "prefs for an unknown person suggests one" "${out}" "did you mean sari-kusuma?"
run notify prefs sari-kusuma --email weekly "${store[@]}"
expect_eq "an unknown email mode exit" "${code}" 2
expect_contains "an unknown email mode is named" "${out}" 'unknown email mode "weekly"'
run notify prefs sari-kusuma --email daily --digest-hour 24 "${store[@]}"
expect_eq "a digest hour past 23 exit" "${code}" 2
run inbox nobody "${store[@]}"
expect_eq "the inbox of an unknown person exit" "${code}" 1
run notify run --once --smtp http://mail "${store[@]}"
expect_eq "an SMTP URL of another scheme exit" "${code}" 2
expect_contains "an SMTP URL of another scheme says which" "${out}" "smtp://"
run notify test --email sari@lumina.example --db store.db
expect_eq "an email test without SMTP exit" "${code}" 2

# --- a campaign that notifies ---------------------------------------------------

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
title="Peluncuran “Ramadan” — ✓"
run campaign submit "${store[@]}" --type product-launch --title "${title}" \
  --id ramadan --values request.json --as intan-permata
expect_eq "submit exit" "${code}" 0

run notify webhook add "${hook_url}" --events notification_sent,campaign_cancelled \
  --secret "${secret}" --db store.db --json
expect_eq "webhook add exit" "${code}" 0
endpoint="$("${livesop}" notify webhook list --db store.db --json | py 'd["endpoints"][0]["id"]')"
expect_matches "the endpoint has an id" "${endpoint}" '^wh_[0-9a-f]{16}$'
run notify webhook list --db store.db
expect_contains "webhook list shows the URL" "${out}" "${hook_url}"
expect_not_contains "webhook list never shows the secret" "${out}" "${secret}"
run notify test --webhook "${endpoint}" --db store.db
expect_eq "a webhook test exit" "${code}" 0
expect_eq "the test request verifies" "$(requests 'r[-1]["verified"] and "test" in r[-1]["id"]')" "True"

# The first pass reads the history: nothing notifies yet (the submission
# sends no notification_sent in the example SOP's standard route, and no
# endpoint wants its events), so the run is quiet; then a mention notifies
# two people.
run notify run --once "${smtp[@]}" "${store[@]}" --json
expect_eq "the first run exit" "${code}" 0
before="$(requests 'len(r)')"
run campaign comment ramadan --text "@dimas-saputra @sari-kusuma please check the brief" \
  --as intan-permata "${store[@]}"
expect_eq "comment exit" "${code}" 0
echo "sari.kusuma@lumina.example" >refuse
echo 500 >mode
run_json notify run --once "${smtp[@]}" "${store[@]}" --json
expect_eq "the run with failures exit" "${code}" 0
expect_eq "run counts" "$(py '(d["enqueued"], d["sent"], d["failed"], d["dead"])' <<<"${out}")" "(3, 1, 2, 0)"
expect_eq "the refused email records the server's answer" \
  "$(deliveries '["550" in x["last_error"] for x in d if x["target"] == "sari.kusuma@lumina.example"]')" "[True]"
expect_eq "the failed webhook records the status" \
  "$(deliveries '["HTTP 500" in x["last_error"] for x in d if x["channel"] == "webhook"]')" "[True]"
expect_eq "failures wait for their retry" \
  "$(deliveries 'sorted((x["channel"], x["status"], x["attempts"]) for x in d)')" \
  "[('email', 'pending', 1), ('email', 'sent', 1), ('webhook', 'pending', 1)]"
run notify deliveries --status pending --db store.db
expect_contains "deliveries lists the pending ones" "${out}" "HTTP 500"

# The email that went out.
expect_eq "one email arrived" "$(mail 'len(m)')" "1"
expect_eq "its To" "$(mail 'm[0]["To"]')" "dimas.saputra@lumina.example"
expect_eq "its From" "$(mail 'm[0]["From"]')" "ops@lumina.example"
expect_eq "its UTF-8 subject decodes" "$(mail 'm[0]["Subject"]')" "Intan Permata mentioned you on ${title}"
expect_matches "its Message-ID is the delivery key" "$(mail 'm[0]["Message-ID"]')" '^<email\.[0-9]+\.dimas-saputra@livesop>$'
expect_contains "its body is the comment" "$(mail 'm[0].get_content()')" "please check the brief"

# Retries made due now, the receivers back: each sent once.
rm -f refuse
echo 200 >mode
ids="$(deliveries '" ".join(str(x["id"]) for x in d if x["status"] == "pending")')"
# shellcheck disable=SC2086 # two ids
run notify replay ${ids} --db store.db
expect_eq "replay exit" "${code}" 0
expect_contains "replay says how many" "${out}" "replayed 2 deliveries"
run_json notify run --once "${smtp[@]}" "${store[@]}" --json
expect_eq "the retry run sends both" "$(py '(d["sent"], d["failed"])' <<<"${out}")" "(2, 0)"
run_json notify run --once "${smtp[@]}" "${store[@]}" --json
expect_eq "a second pass sends nothing again" "$(py '(d["enqueued"], d["sent"])' <<<"${out}")" "(0, 0)"
expect_eq "two emails in all" "$(mail 'len(m)')" "2"
expect_eq "the second went to Sari" "$(mail 'm[1]["To"]')" "sari.kusuma@lumina.example"
expect_eq "the webhook came twice with one id, signed each time" \
  "$(requests 'len(r) - '"${before}"', len({x["id"] for x in r['"${before}"':]}), all(x["verified"] for x in r)')" "(2, 1, True)"
expect_eq "the webhook body is the event" \
  "$(requests '(lambda b: (b["type"], b["data"]["campaign"], sorted(b["data"]["payload"]["recipients"])))(json.loads(r[-1]["body"]))')" \
  "('notification_sent', 'ramadan', ['dimas-saputra', 'sari-kusuma'])"
expect_eq "everything is sent" "$(deliveries 'sorted({x["status"] for x in d})')" "['sent']"

# A receiver that stays down: dead after the last attempt, replayed later.
echo 503 >mode
run campaign cancel ramadan --reason "Budget moved to Q3" --as intan-permata "${store[@]}"
expect_eq "cancel exit" "${code}" 0
run_json notify run --once --max-attempts 1 "${smtp[@]}" "${store[@]}" --json
expect_eq "the down receiver's delivery is dead" "$(py 'd["dead"]' <<<"${out}")" "1"
run notify deliveries --status dead --db store.db
expect_contains "the dead letter is listed with its error" "${out}" "HTTP 503"
expect_eq "it stays dead" "$("${livesop}" notify run --once "${smtp[@]}" "${store[@]}" --json 2>/dev/null | py 'd["sent"]')" "0"
echo 200 >mode
run notify replay --dead --db store.db
expect_contains "replay --dead" "${out}" "replayed 1 delivery"
run_json notify run --once "${smtp[@]}" "${store[@]}" --json
expect_eq "the replayed delivery is sent" "$(py 'd["sent"]' <<<"${out}")" "1"
expect_eq "the cancellation arrived" "$(requests 'json.loads(r[-1]["body"])["type"]')" "campaign_cancelled"
run notify replay "$(deliveries 'd[0]["id"]')" --db store.db
expect_eq "replaying a sent delivery exit" "${code}" 1
expect_contains "replaying a sent delivery says why" "${out}" "was sent already"

# An unreachable receiver is a clear failure.
gone="$(py 'd["endpoint"]["id"]' <<<"$(${livesop} notify webhook add http://127.0.0.1:1/x --db store.db --json 2>/dev/null)")"
run notify test --webhook "${gone}" --db store.db
expect_eq "a test to an unreachable receiver exit" "${code}" 1
expect_contains "a test to an unreachable receiver says why" "${out}" "not delivered"
run notify webhook remove "${gone}" --db store.db
expect_eq "webhook remove exit" "${code}" 0
run notify test --email dimas.saputra@lumina.example "${smtp[@]}" --db store.db
expect_eq "an email test exit" "${code}" 0
expect_eq "the test email arrived" "$(mail 'm[-1]["Subject"]')" "livesop test message"

# --- preferences ------------------------------------------------------------------

run notify prefs sari-kusuma "${store[@]}"
expect_contains "default preference" "${out}" "mode immediate"
run notify prefs sari-kusuma --email daily --digest-hour 7 "${store[@]}"
expect_eq "prefs set exit" "${code}" 0
run_json notify prefs sari-kusuma "${store[@]}" --json
expect_eq "prefs are kept" "$(py '(d["email_mode"], d["digest_hour"])' <<<"${out}")" "('daily', 7)"

# --- inbox --------------------------------------------------------------------------

run_json inbox sari-kusuma "${store[@]}" --json
expect_eq "inbox exit" "${code}" 0
expect_eq "one campaign with one unread item" \
  "$(py '[(g["campaign"], g["unread"], len(g["items"])) for g in d["campaigns"]]' <<<"${out}")" \
  "[('ramadan', 1, 1)]"
item="$(py 'd["campaigns"][0]["items"][0]["id"]' <<<"${out}")"
expect_matches "the item id is POSITION:RECIPIENT" "${item}" '^[0-9]+:sari-kusuma$'
run inbox sari-kusuma "${store[@]}"
expect_contains "inbox as text groups by campaign" "${out}" "ramadan (1 unread)"
run inbox read sari-kusuma 999:sari-kusuma "${store[@]}"
expect_eq "reading an unknown item exit" "${code}" 1
expect_contains "reading an unknown item names it" "${out}" '"999:sari-kusuma" is not an inbox item of sari-kusuma'
run inbox read sari-kusuma "${store[@]}"
expect_eq "inbox read without items or --all exit" "${code}" 2
run inbox read sari-kusuma "${item}" "${store[@]}"
expect_eq "inbox read exit" "${code}" 0
expect_contains "inbox read says how many" "${out}" "marked 1 item read"
run_json inbox sari-kusuma --unread "${store[@]}" --json
expect_eq "nothing unread is left" "$(py 'd["unread"]' <<<"${out}")" "0"
run inbox read dimas-saputra --all "${store[@]}"
expect_contains "inbox read --all" "${out}" "marked 1 item read"
run inbox read dimas-saputra --all "${store[@]}"
expect_contains "reading again marks nothing" "${out}" "marked 0 items read"
expect_eq "the read is an event of the campaign" \
  "$("${livesop}" campaign show ramadan "${store[@]}" --events --json 2>/dev/null |
     py 'len([e for e in d["events"] if e["type"] == "notification_read"])')" "2"

finish
