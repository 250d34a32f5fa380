#!/usr/bin/env bash
# End-to-end tests of calendar feeds behind secret URLs: `livesop calendar
# feed add|list|revoke` and `livesop serve`. A workspace from `livesop
# init`, its SOP published and a campaign submitted; a person's feed made;
# the real server started on a free loopback port and fetched with curl,
# the body read back by an independent parser (Python's icalendar, from
# Debian's python3-icalendar, hence /usr/bin/python3); then the feed
# revoked, which the server answers with 404. The server is always
# stopped on exit.
#
#   tests/cli_feed_test.sh BUILD/livesop SOURCE_DIR
#
# Prints one line per failure and, last, "N passed, M failed"; exits 1
# when anything failed.
set -uo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 LIVESOP_BINARY SOURCE_DIR" >&2
  exit 2
fi
livesop="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
source_dir="$(cd "$2" && pwd)"
# shellcheck source=tests/lib.sh
source "${source_dir}/tests/lib.sh"
pyical=/usr/bin/python3

work_dir="$(mktemp -d "${TMPDIR:-/tmp}/livesop-cli-feed-test.XXXXXX")"
server_pid=""
cleanup() {
  if [ -n "${server_pid}" ]; then
    kill "${server_pid}" 2>/dev/null && wait "${server_pid}" 2>/dev/null
  fi
  rm -rf "${work_dir}"
}
trap cleanup EXIT
cd "${work_dir}" || exit 2
unset LIVESOP_DB LIVESOP_SOP

run init ws
expect_eq "init exit" "${code}" 0
run sop publish ws/sop.yaml --db store.db --as ops --note "feed test"
expect_eq "sop publish exit" "${code}" 0
db=(--db store.db)

# A launch five months out: inside the feed's year ahead.
read -r today launch to <<<"$(python3 -c '
import datetime
t = datetime.date.today()
l = t + datetime.timedelta(days=150)
while l.weekday() > 4: l += datetime.timedelta(days=1)
print(t, l, l + datetime.timedelta(days=30))')"
write_request request.json "${today}" "${launch}" "${to}"
run campaign submit "${db[@]}" --type product-launch --title "Launch c1" \
  --id c1 --values request.json --as intan-permata
expect_eq "submit c1 exit" "${code}" 0
# Her task, so her feed holds it as a to-do.
run task assign c1 plan "${db[@]}" --to intan-permata --as intan-permata
expect_eq "task assign exit" "${code}" 0

# --- making and listing feeds -------------------------------------------------
run calendar feed add "${db[@]}" --person intan-permata --label "Intan's phone" --as ops
expect_eq "feed add exit" "${code}" 0
expect_matches "feed add prints the id" "${out}" "^made calendar feed cf_[0-9a-f]{16} \(person intan-permata, Intan's phone\)$"
expect_matches "feed add prints the URL on the default base" "${out}" \
  "^subscribe URL: http://127\.0\.0\.1:8080/ical/[A-Za-z0-9_-]{43}\.ics$"
expect_contains "feed add warns the token is shown once" "${out}" "shown only this once"
feed_id="$(sed -n 's/^made calendar feed \(cf_[0-9a-f]*\) .*/\1/p' <<<"${out}")"
feed_path="$(sed -n 's|^subscribe URL: http://[^/]*\(/ical/.*\.ics\)$|\1|p' <<<"${out}")"
token="$(sed -n 's|^/ical/\(.*\)\.ics$|\1|p' <<<"${feed_path}")"
expect_eq "the token is 43 characters" "${#token}" 43

run_json calendar feed add "${db[@]}" --campaign c1 --base-url https://cal.example.com/ --json
expect_eq "feed add --json exit" "${code}" 0
expect_eq "feed add --json gives the URL on the base, one slash" \
  "$(py 'd["feed"]["url"].startswith("https://cal.example.com/ical/") and d["feed"]["scope"] == "campaign"' <<<"${out}")" "True"
campaign_feed_id="$(py 'd["feed"]["id"]' <<<"${out}")"

run calendar feed list "${db[@]}"
expect_eq "feed list exit" "${code}" 0
expect_matches "feed list shows the person's feed live" "${out}" "^${feed_id} +person intan-permata +live "
expect_contains "feed list shows the campaign's feed" "${out}" "${campaign_feed_id}"
expect_not_contains "feed list never shows the token" "${out}" "${token}"
run_json calendar feed list "${db[@]}" --json
expect_eq "feed list --json" \
  "$(py 'sorted((f["scope"], f["status"]) for f in d["feeds"])' <<<"${out}")" \
  "[('campaign', 'live'), ('person', 'live')]"
expect_not_contains "feed list --json never shows the token" "${out}" "${token}"
# Only the hash is kept: the token is nowhere in the database's files.
expect_true "the store holds no token" bash -c '! grep -qaF -- "$1" store.db*' _ "${token}"

# --- bad input ----------------------------------------------------------------
run calendar feed add "${db[@]}"
expect_eq "feed add without a scope exit" "${code}" 2
expect_contains "feed add without a scope says which to give" "${out}" "--person ID, --team ID, --campaign ID or --all"
run calendar feed add "${db[@]}" --person intan-permata --all
expect_eq "feed add with two scopes exit" "${code}" 2
run calendar feed add "${db[@]}" --person intan-permta
expect_eq "feed add of an unknown person exit" "${code}" 1
expect_contains "unknown person names the option and value" "${out}" '--person: unknown person "intan-permta"'
expect_contains "unknown person: did you mean" "${out}" 'did you mean "intan-permata"'
run calendar feed add "${db[@]}" --team nobody-team
expect_eq "feed add of an unknown team exit" "${code}" 1
expect_contains "unknown team names the option" "${out}" '--team: unknown team "nobody-team"'
run calendar feed add "${db[@]}" --campaign c2
expect_eq "feed add of an unknown campaign exit" "${code}" 1
expect_contains "unknown campaign: did you mean" "${out}" 'did you mean "c1"'
run calendar feed add "${db[@]}" --all --base-url ftp://cal.example.com
expect_eq "feed add with a malformed base URL exit" "${code}" 2
expect_contains "malformed base URL is named" "${out}" '--base-url "ftp://cal.example.com"'
run calendar feed revoke cf_nosuchfeed "${db[@]}"
expect_eq "revoke of an unknown feed exit" "${code}" 1
expect_contains "revoke of an unknown feed says how to list" "${out}" "calendar feed list"
run calendar feed revoke "${feed_id}x" "${db[@]}"
expect_contains "revoke of a mistyped id: did you mean" "${out}" "did you mean \"${feed_id}\""
run serve "${db[@]}" --listen 127.0.0.1
expect_eq "serve with a malformed --listen exit" "${code}" 2
expect_contains "malformed --listen is named" "${out}" '--listen "127.0.0.1"'
run serve "${db[@]}" --listen 127.0.0.1:99999
expect_eq "serve with a port out of range exit" "${code}" 2
run_json calendar feed list "${db[@]}" --json
expect_eq "refused commands made no feed" "$(py 'len(d["feeds"])' <<<"${out}")" "2"

# --- serving ------------------------------------------------------------------
"${livesop}" serve "${db[@]}" --listen 127.0.0.1:0 >serve.out 2>serve.err &
server_pid=$!
port=""
for _ in $(seq 1 200); do
  port="$(sed -n 's|^livesop serve: listening on http://127\.0\.0\.1:\([0-9]*\) .*|\1|p' serve.out)"
  [ -n "${port}" ] && break
  kill -0 "${server_pid}" 2>/dev/null || break
  sleep 0.05
done
if [ -z "${port}" ]; then
  fail "serve printed no port; its output: $(cat serve.out serve.err)"
  finish
fi
base="http://127.0.0.1:${port}"

status="$(curl -s -o feed.ics -D headers.txt -w '%{http_code}' "${base}${feed_path}")"
expect_eq "GET the feed" "${status}" 200
headers="$(tr -d '\r' <headers.txt)"
expect_matches "the feed is text/calendar" "${headers}" "^[Cc]ontent-[Tt]ype: text/calendar; charset=utf-8$"
expect_matches "the feed may be cached privately" "${headers}" "^[Cc]ache-[Cc]ontrol: private, max-age=300$"
etag="$(sed -n 's/^[Ee][Tt]ag: //p' <<<"${headers}")"
expect_matches "the feed has an ETag" "${etag}" '^"[0-9a-f]{64}"$'

facts="$("${pyical}" - feed.ics <<'PY'
import sys
import icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
assert str(cal["VERSION"]) == "2.0", cal.get("VERSION")
print("name", cal["X-WR-CALNAME"])
for c in cal.walk("VEVENT") + cal.walk("VTODO"):
    print(c.name, c["UID"], c["STATUS"])
PY
)"
expect_contains "the feed parses and names the person" "${facts}" "name Marketing calendar of intan-permata"
expect_contains "the feed holds the campaign's launch" "${facts}" "VEVENT c1/launch@livesop CONFIRMED"
expect_contains "the feed holds the person's open task" "${facts}" "VTODO c1/plan@livesop NEEDS-ACTION"

status="$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: ${etag}" "${base}${feed_path}")"
expect_eq "GET with the ETag is not modified" "${status}" 304
status="$(curl -s -o again.ics -w '%{http_code}' -H 'If-None-Match: "stale"' "${base}${feed_path}")"
expect_eq "GET with another ETag" "${status}" 200
expect_true "an unchanged feed is the same bytes" cmp -s feed.ics again.ics

status="$(curl -s -o health.json -w '%{http_code}' "${base}/healthz")"
expect_eq "GET /healthz" "${status}" 200

status="$(curl -s -o garbage.json -w '%{http_code}' "${base}/ical/not-a-token.ics")"
expect_eq "GET a garbage token" "${status}" 404
expect_eq "a garbage token's JSON error" "$(py 'd["error"]["code"]' <garbage.json)" "not_found"
status="$(curl -s --path-as-is -o escape.json -w '%{http_code}' "${base}/ical/../ws/sop.yaml")"
expect_eq "a path climbing out of /ical/ is not found" "${status}" 404
expect_not_contains "nothing of the workspace is served" "$(cat escape.json)" "sop:"

run calendar feed revoke "${feed_id}" "${db[@]}"
expect_eq "feed revoke exit" "${code}" 0
expect_contains "feed revoke says the URL is off" "${out}" "404 Not Found"
status="$(curl -s -o revoked.json -w '%{http_code}' "${base}${feed_path}")"
expect_eq "GET a revoked feed" "${status}" 404
expect_eq "a revoked feed's JSON error" \
  "$(py 'd["error"]["code"] + ": " + d["error"]["message"]' <revoked.json)" \
  "not_found: no such calendar feed"
expect_eq "revoked and garbage tokens get the same message" \
  "$(py 'd["error"]["message"]' <revoked.json)" "$(py 'd["error"]["message"]' <garbage.json)"
run calendar feed list "${db[@]}"
expect_matches "feed list shows the feed revoked" "${out}" "^${feed_id} +person intan-permata +revoked "
run calendar feed revoke "${feed_id}" "${db[@]}"
expect_eq "revoking again changes nothing and succeeds" "${code}" 0

run serve "${db[@]}" --listen "127.0.0.1:${port}"
expect_eq "a second server on the same port exit" "${code}" 2
expect_contains "a taken port says what to do" "${out}" "choose another with --listen"

kill -TERM "${server_pid}"
wait "${server_pid}"
serve_code=$?
server_pid=""
expect_eq "serve stops cleanly on SIGTERM" "${serve_code}" 0
expect_contains "serve says it stopped" "$(cat serve.out)" "livesop serve: stopped"
expect_contains "serve logs requests" "$(cat serve.err)" "GET /ical/[token].ics 200"
expect_not_contains "serve never logs a token" "$(cat serve.out serve.err)" "${token}"

finish
