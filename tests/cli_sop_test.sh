#!/usr/bin/env bash
# End-to-end tests of `livesop sop publish|versions|show`: runs the real
# binary in a temporary directory on a copy of the example SOP and checks
# exit codes, messages, JSON and what the store holds afterwards.
#
#   tests/cli_sop_test.sh BUILD/livesop SOURCE_DIR
#
# Prints one line per failure (on standard output, so the summary stays last
# when the streams are merged) and, last, exactly one line "N passed, M failed";
# exits 1 when anything failed. Needs python3 to read the JSON outputs.
set -uo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 LIVESOP_BINARY SOURCE_DIR" >&2
  exit 2
fi
livesop="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
source_dir="$(cd "$2" && pwd)"
# shellcheck source=tests/lib.sh
source "${source_dir}/tests/lib.sh"
example_dir="${source_dir}/examples/marketing-ops"

work_dir="$(mktemp -d "${TMPDIR:-/tmp}/livesop-cli-sop-test.XXXXXX")"
trap 'rm -rf "${work_dir}"' EXIT
cd "${work_dir}" || exit 2

# json_get EXPRESSION: evaluates a Python expression on `doc`, the JSON in
# $out, and prints the result ("<invalid JSON>" when it does not parse).
json_get() {
  python3 -c '
import json, sys
try:
    doc = json.loads(sys.stdin.read())
except ValueError:
    print("<invalid JSON>")
    sys.exit(0)
print(eval(sys.argv[1]))' "$1" <<<"${out}"
}

# versions_in DB: the number of versions `sop versions --json` lists.
versions_in() {
  "${livesop}" sop versions --db "$1" --json 2>/dev/null |
    python3 -c 'import json, sys; print(len(json.load(sys.stdin)["versions"]))'
}

cp -r "${example_dir}" sop
db=store.db

# --- help and usage ------------------------------------------------------------

for cmd in publish versions show; do
  run sop "${cmd}" --help
  expect_eq "sop ${cmd} --help exit" "${code}" 0
  expect_contains "sop ${cmd} --help mentions exit codes" "${out}" "Exit codes"
done
run sop
expect_eq "sop without a command exit" "${code}" 2
run sop versions
expect_eq "sop versions without --db exit" "${code}" 2
run sop publish --db "${db}"
expect_eq "sop publish without a file exit" "${code}" 2

# --- publish -------------------------------------------------------------------

run sop versions --db "${db}"
expect_eq "versions of an empty store exit" "${code}" 0
expect_contains "versions of an empty store says so" "${out}" "no SOP version"

run sop publish sop/sop.yaml --db "${db}" --as ana --note "First release"
expect_eq "publish exit" "${code}" 0
expect_contains "publish says what" "${out}" \
  "published SOP marketing-ops version 1.0.0: 8 files, digest "
expect_contains "publish says who" "${out}" "by ana at "

run sop publish sop/sop.yaml --db "${db}" --as ben
expect_eq "publish unchanged again exit" "${code}" 0
expect_contains "publish unchanged again changes nothing" "${out}" \
  "already published with this content (by ana at"
expect_eq "publish unchanged again adds no version" "$(versions_in "${db}")" 1

# The same files through another path are the same content.
run sop publish "${work_dir}/sop/../sop/sop.yaml" --db "${db}"
expect_eq "publish through another path exit" "${code}" 0
expect_contains "publish through another path is the same" "${out}" \
  "already published"

echo "# reviewed" >>sop/processes.yaml
run sop publish sop/sop.yaml --db "${db}" --as ben
expect_eq "publish changed content under the same version exit" "${code}" 1
expect_contains "changed content names the version" "${out}" \
  "SOP version 1.0.0 was published by ana at"
expect_matches "changed content says to raise sop.version, and where" \
  "${out}" 'Raise `sop.version` \(sop/sop\.yaml:[0-9]+\)'
expect_eq "changed content adds no version" "$(versions_in "${db}")" 1

sed -i 's/^  version: 1\.0\.0$/  version: 1.1.0/' sop/sop.yaml
run sop publish sop/sop.yaml --db "${db}" --as ben --note "Reviews take a day"
expect_eq "publish a raised version exit" "${code}" 0
expect_contains "publish a raised version" "${out}" \
  "published SOP marketing-ops version 1.1.0"

run_json sop publish sop/sop.yaml --db "${db}" --json
expect_eq "publish --json exit" "${code}" 0
expect_eq "publish --json ok" "$(json_get 'doc["ok"]')" "True"
expect_eq "publish --json already" "$(json_get 'doc["already_published"]')" "True"
expect_eq "publish --json files" "$(json_get 'len(doc["files"])')" 8
expect_eq "publish --json root" "$(json_get 'doc["root"]')" "sop.yaml"
expect_eq "publish --json digest" "$(json_get 'len(doc["digest"])')" 64

# --- refusals write nothing ------------------------------------------------------

cp -r "${example_dir}" bad
sed -i 's/^  version: 1\.0\.0$/  version: 2.0.0/' bad/sop.yaml
sed -i '0,/^    steps:$/s//    stpes:/' bad/processes.yaml
run check bad/sop.yaml
check_out="${out}"
run sop publish bad/sop.yaml --db "${db}"
expect_eq "publish an invalid SOP exit" "${code}" 1
expect_matches "publish an invalid SOP prints diagnostics as check does" \
  "${out}" 'bad/processes\.yaml:[0-9]+:[0-9]+: error\[unknown-key\]'
expect_eq "publish prints check's first diagnostic" \
  "$(grep -m1 'error\[' <<<"${out}")" "$(grep -m1 'error\[' <<<"${check_out}")"
expect_contains "publish an invalid SOP says it refused" "${out}" \
  "not publishing an invalid SOP"
expect_eq "an invalid SOP adds no version" "$(versions_in "${db}")" 2
run sop publish bad/sop.yaml --db never.db
expect_eq "an invalid SOP with a new store exit" "${code}" 1
expect_true "an invalid SOP creates no store" test ! -e never.db
run_json sop publish bad/sop.yaml --db "${db}" --json
expect_eq "publish --json invalid ok" "$(json_get 'doc["ok"]')" "False"
expect_true "publish --json invalid lists diagnostics" \
  test "$(json_get 'doc["summary"]["errors"]')" -gt 0

cp -r "${example_dir}" lost
sed -i 's/^  - operations\.yaml$/  - gone.yaml/' lost/sop.yaml
run sop publish lost/sop.yaml --db "${db}"
expect_eq "publish with a missing include exit" "${code}" 2
expect_contains "a missing include is named" "${out}" "gone.yaml"
expect_contains "a missing include names where it is included" "${out}" \
  "lost/sop.yaml:"
run sop publish nowhere/sop.yaml --db "${db}"
expect_eq "publish a missing file exit" "${code}" 2
expect_contains "a missing file is named" "${out}" "nowhere/sop.yaml"
mkdir -p a-directory
run sop publish a-directory --db "${db}"
expect_eq "publish a directory exit" "${code}" 2
printf '\x7fELF\0\0\1' >binary.yaml
run sop publish binary.yaml --db "${db}"
expect_eq "publish a binary file exit" "${code}" 2
expect_contains "a binary file is named" "${out}" "binary.yaml"
expect_eq "refusals add no version" "$(versions_in "${db}")" 2

echo "campaign notes" >notes.txt
run sop publish sop/sop.yaml --db notes.txt
expect_eq "publish into a text file exit" "${code}" 3
expect_eq "the text file is untouched" "$(cat notes.txt)" "campaign notes"
run sop versions --db "postgresql://livesop:secret-pw@127.0.0.1:1/none?connect_timeout=2"
expect_eq "versions of an unreachable PostgreSQL exit" "${code}" 3
expect_not_contains "unreachable PostgreSQL hides the password" "${out}" "secret-pw"

# --- versions and show -------------------------------------------------------------

run sop versions --db "${db}"
expect_eq "versions exit" "${code}" 0
expect_matches "versions header" "${out}" '^VERSION +SOP +PUBLISHED +BY +DIGEST +NOTE$'
expect_matches "versions lists 1.0.0 first" "$(sed -n 2p <<<"${out}")" \
  '^1\.0\.0 +marketing-ops +[0-9T:-]+Z +ana +[0-9a-f]{12} +First release$'
expect_matches "versions lists 1.1.0 second" "$(sed -n 3p <<<"${out}")" \
  '^1\.1\.0 +marketing-ops +[0-9T:-]+Z +ben +[0-9a-f]{12} +Reviews take a day$'

run_json sop versions --db "${db}" --json
expect_eq "versions --json" "$(json_get '[v["version"] for v in doc["versions"]]')" \
  "['1.0.0', '1.1.0']"
expect_eq "versions --json has no bundles" \
  "$(json_get 'sorted(doc["versions"][0].keys())')" \
  "['digest', 'note', 'published', 'published_by', 'sop_id', 'version']"

run sop show 1.0.0 --db "${db}"
expect_eq "show exit" "${code}" 0
expect_matches "show the id" "${out}" '^SOP +marketing-ops$'
expect_matches "show the full digest" "${out}" '^digest +[0-9a-f]{64}$'
expect_matches "show who and when" "${out}" '^published +by ana at [0-9T:-]+Z$'
expect_matches "show the note" "${out}" '^note +First release$'
expect_matches "show the file count" "${out}" '^files +8$'
expect_matches "the holiday calendar is one of the files" "${out}" \
  'holidays/indonesia-2026.ics +[0-9]+ bytes'
expect_matches "show the root file" "${out}" '^  sop\.yaml +[0-9]+ bytes +\(root\)$'
expect_matches "show an included file" "${out}" '^  processes\.yaml +[0-9]+ bytes$'

run_json sop show 1.1.0 --db "${db}" --json
expect_eq "show --json exit" "${code}" 0
expect_eq "show --json version" "$(json_get 'doc["version"]')" "1.1.0"
expect_eq "show --json files" "$(json_get '[f["path"] for f in doc["files"]][-1]')" \
  "sop.yaml"
expect_eq "show --json sizes" \
  "$(json_get 'doc["files"][-1]["bytes"]')" "$(wc -c <sop/sop.yaml | tr -d ' ')"
digest_1_1="$(json_get 'doc["digest"]')"

run sop show 9.9.9 --db "${db}"
expect_eq "show an unknown version exit" "${code}" 1
expect_contains "show an unknown version says so" "${out}" \
  '"9.9.9" was never published'
run_json sop show 9.9.9 --db "${db}" --json
expect_eq "show --json unknown code" "$(json_get 'doc["error"]["code"]')" "NOT_FOUND"

# --- backups keep the versions; damage is reported, not shown -----------------------

run backup --db "${db}" -o store.backup
expect_eq "backup exit" "${code}" 0
run restore --db restored.db store.backup
expect_eq "restore exit" "${code}" 0
run_json sop show 1.1.0 --db restored.db --json
expect_eq "a restored store keeps the versions" "$(json_get 'doc["digest"]')" \
  "${digest_1_1}"

# A target holding a version with other content refuses the whole restore.
echo "# changed" >>sop/content.yaml
run sop publish sop/sop.yaml --db conflict.db --note "changed"
expect_eq "publish into a second store exit" "${code}" 0
run restore --db conflict.db store.backup
expect_eq "restore over a conflicting version exit" "${code}" 2
expect_contains "restore over a conflicting version names it" "${out}" \
  "SOP version 1.1.0"
run db status --db conflict.db
expect_contains "a refused restore writes no events" "${out}" "events: 0"
expect_eq "a refused restore writes no version" "$(versions_in conflict.db)" 1

if command -v sqlite3 >/dev/null 2>&1; then
  sqlite3 restored.db "UPDATE sop_versions SET bundle = '{\"format\": 1' WHERE version = '1.0.0'"
  run sop show 1.0.0 --db restored.db
  expect_eq "show a damaged version exit" "${code}" 3
  expect_contains "show a damaged version says so" "${out}" "damaged"
  sqlite3 restored.db "UPDATE sop_versions SET digest = '$(printf '0%.0s' {1..64})' WHERE version = '1.1.0'"
  run sop show 1.1.0 --db restored.db
  expect_eq "show a version whose digest does not match exit" "${code}" 3
  expect_contains "show a version whose digest does not match says so" "${out}" \
    "do not match their digest"
fi

finish
