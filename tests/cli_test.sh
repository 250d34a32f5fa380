#!/usr/bin/env bash
# End-to-end tests of the livesop program: runs the real binary in a temporary
# directory and checks exit codes, messages and written files.
#
#   tests/cli_test.sh BUILD/livesop SOURCE_DIR
#
# Prints one line per failure (on standard output, so the summary stays last
# when the streams are merged) and, last, exactly one line "N passed, M failed";
# exits 1 when anything failed.
set -uo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 LIVESOP_BINARY SOURCE_DIR" >&2
  exit 2
fi
livesop="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
source_dir="$(cd "$2" && pwd)"
# shellcheck source=tests/lib.sh
source "${source_dir}/tests/lib.sh"
example="${source_dir}/examples/marketing-ops/sop.yaml"
invalid="${source_dir}/testdata/sop/invalid/unknown-key-step.yaml"

work_dir="$(mktemp -d "${TMPDIR:-/tmp}/livesop-cli-test.XXXXXX")"
trap 'rm -rf "${work_dir}"' EXIT
cd "${work_dir}" || exit 2

checksum() { find "$1" -type f -print0 | sort -z | xargs -0 sha256sum; }

# --- version and help -------------------------------------------------------

version="$(sed -nE 's/^project\(livesop VERSION ([0-9.]+).*/\1/p' \
           "${source_dir}/CMakeLists.txt")"
run --version
expect_eq "--version exit" "${code}" 0
expect_eq "--version output" "${out}" "livesop ${version}"

run --help
expect_eq "--help exit" "${code}" 0
expect_contains "--help mentions exit codes" "${out}" "Exit codes"
for cmd in check render init; do
  run "${cmd}" --help
  expect_eq "${cmd} --help exit" "${code}" 0
  expect_contains "${cmd} --help mentions exit codes" "${out}" "Exit codes"
done

run
expect_eq "no subcommand exit" "${code}" 2
run --no-such-option
expect_eq "unknown option exit" "${code}" 2
run check "${example}" --no-such-option
expect_eq "check unknown option exit" "${code}" 2
run frobnicate
expect_eq "unknown subcommand exit" "${code}" 2

# --- check ------------------------------------------------------------------

run check "${example}"
expect_eq "check example exit" "${code}" 0
expect_contains "check example says valid" "${out}" "valid"
expect_not_contains "check example has no errors" "${out}" "error["

run check "${invalid}"
expect_eq "check invalid exit" "${code}" 1
expect_matches "check invalid diagnostic line" "${out}" \
  "unknown-key-step\.yaml:[0-9]+:[0-9]+: error\[unknown-key\]"
expect_contains "check invalid hint" "${out}" "hint: did you mean"

json="$("${livesop}" check "${invalid}" --json 2>/dev/null)"
code=$?
expect_eq "check --json invalid exit" "${code}" 1
expect_true "check --json parses" \
  python3 -c 'import json,sys; json.load(sys.stdin)' <<<"${json}"
errors="$(python3 -c 'import json,sys; print(json.load(sys.stdin)["summary"]["errors"])' \
          <<<"${json}" 2>/dev/null)"
expect_true "check --json summary.errors > 0 (got '${errors}')" \
  test "${errors:-0}" -gt 0
json="$("${livesop}" check "${example}" --json 2>/dev/null)"
valid="$(python3 -c 'import json,sys; print(json.load(sys.stdin)["valid"])' \
         <<<"${json}" 2>/dev/null)"
expect_eq "check --json example valid" "${valid}" "True"

run check "${work_dir}/no-such-file.yaml"
expect_eq "check missing file exit" "${code}" 2
expect_contains "check missing file message" "${out}" "io-error"

mkdir -p a-directory
run check a-directory
expect_eq "check directory exit" "${code}" 2
expect_contains "check directory message" "${out}" "directory"

: >empty.yaml
run check empty.yaml
expect_eq "check empty file exit" "${code}" 1
expect_contains "check empty file message" "${out}" "empty-file"

yes '# padding line of a very large SOP file' | head -c $((9 * 1024 * 1024)) >large.yaml
run check large.yaml
expect_eq "check 9 MiB file exit" "${code}" 2
expect_contains "check 9 MiB file message" "${out}" "file-too-large"

head -c 4096 /dev/urandom >random.yaml
run check random.yaml
expect_true "check random bytes exits 1 or 2 (got ${code})" \
  test "${code}" -eq 1 -o "${code}" -eq 2
expect_matches "check random bytes message" "${out}" "error\[[a-z-]+\]"

cp "$(type -P true)" program.yaml
run check program.yaml
expect_true "check a program binary exits 1 or 2 (got ${code})" \
  test "${code}" -eq 1 -o "${code}" -eq 2
expect_contains "check a program binary message" "${out}" "binary file"

printf '\xff\xfe\x80 not: [valid utf-8\n' >bad-utf8.yaml
run check bad-utf8.yaml
expect_true "check invalid UTF-8 exits 1 or 2 (got ${code})" \
  test "${code}" -eq 1 -o "${code}" -eq 2

head -c 10000 /dev/zero | tr '\0' '[' >nested.yaml
run check nested.yaml
expect_eq "check 10000 nested [ exit" "${code}" 1
expect_contains "check 10000 nested [ message" "${out}" "yaml-syntax"

# --- render -----------------------------------------------------------------

run render "${example}" -o out/manual.md
expect_eq "render md exit" "${code}" 0
expect_true "render md writes out/manual.md" test -f out/manual.md
expect_contains "render md names the version" "$(cat out/manual.md 2>/dev/null)" \
  "version 1.0.0"
svgs="$(find out/diagrams -name '*.svg' 2>/dev/null | wc -l)"
expect_true "render md writes 7 or more diagrams (got ${svgs})" test "${svgs}" -ge 7

run render "${example}" -o out/manual.html
expect_eq "render html exit" "${code}" 0
html="$(cat out/manual.html 2>/dev/null)"
expect_contains "render html has inline svg" "${html}" "<svg"
expect_not_contains "render html has no script" "${html}" "<script"

run render "${example}" --format html
expect_eq "render html to stdout exit" "${code}" 0
expect_contains "render html to stdout" "${out}" "<svg"

run render "${invalid}" -o bad/manual.md
expect_eq "render invalid exit" "${code}" 1
expect_true "render invalid writes no file" test ! -e bad/manual.md
expect_true "render invalid writes no directory" test ! -e bad

run render "${example}" -o /proc/livesop/x.md
expect_eq "render to unwritable location exit" "${code}" 2

run render "${example}" --format pdf -o out/manual.pdf
expect_eq "render unknown format exit" "${code}" 2

mkdir -p keep
echo "an earlier manual" >keep/manual.md
before="$(checksum keep)"
run render "${invalid}" -o keep/manual.md
expect_eq "render invalid over existing exit" "${code}" 1
expect_eq "render invalid leaves existing output unchanged" "$(checksum keep)" "${before}"

# --- init -------------------------------------------------------------------

run init ws
expect_eq "init exit" "${code}" 0
expect_true "init creates ws/sop.yaml" test -f ws/sop.yaml
run check ws/sop.yaml
expect_eq "check of init workspace exit" "${code}" 0

echo "# edited by hand" >>ws/sop.yaml
before="$(checksum ws)"
run init ws
expect_eq "init again exit" "${code}" 2
expect_eq "init again leaves files unchanged" "$(checksum ws)" "${before}"

echo "not a directory" >plain-file
run init plain-file
expect_eq "init on a regular file exit" "${code}" 2
expect_eq "init on a regular file leaves it" "$(cat plain-file)" "not a directory"

# --- the store: import, export, status, rebuild, backup, restore -----------

logs="${source_dir}/../shared/data/logs"
run import --db store.db "${logs}/running-example.xes"
expect_eq "import exit" "${code}" 0
expect_contains "import counts" "${out}" "imported 42 events of 6 campaigns"
run import --db store.db "${logs}/running-example.xes"
expect_eq "import again exit" "${code}" 0
expect_contains "import again adds nothing" "${out}" "nothing added"

LIVESOP_DB=store.db run db status
expect_eq "db status from LIVESOP_DB exit" "${code}" 0
expect_contains "db status events" "${out}" "events: 42"
expect_contains "db status campaigns" "${out}" "campaigns: 6"

run db rebuild --db store.db
expect_eq "db rebuild exit" "${code}" 0
expect_contains "db rebuild counts" "${out}" "from 42 events: 6 campaigns"

run export --db store.db -o log.xes
expect_eq "export xes exit" "${code}" 0
expect_true "export xes parses" python3 -c \
  "import sys, xml.etree.ElementTree as t; r = t.parse('log.xes').getroot(); \
n = {'x': 'http://www.xes-standard.org/'}; \
sys.exit(0 if len(r.findall('x:trace', n)) == 6 and len(r.findall('x:trace/x:event', n)) == 42 else 1)"
run export --db store.db -o decide.csv --activity decide
expect_eq "export csv exit" "${code}" 0
expect_eq "export csv rows" "$(python3 -c "import csv; print(len(list(csv.DictReader(open('decide.csv')))))")" 9

run import --db copy.db log.xes
expect_eq "import of an export exit" "${code}" 0
expect_contains "import of an export counts" "${out}" "imported 42 events of 6 campaigns"

run export --db store.db -o missing-folder/log.xes
expect_eq "export to a missing folder exit" "${code}" 2
expect_contains "export to a missing folder says so" "${out}" "cannot write missing-folder/log.xes"
run export --db store.db -o log.txt
expect_eq "export of unknown format exit" "${code}" 1
expect_true "export leaves no partial files" test -z "$(ls | grep partial)"

head -c 9000 "${logs}/running-example.xes" >cut.xes
run import --db store.db cut.xes
expect_eq "import of a cut-off log exit" "${code}" 1
expect_matches "import of a cut-off log names the line" "${out}" "cut\.xes:[0-9]+"
printf 'case,activity,timestamp\nc1,Brief,2026-01-05\nc1,Review,someday\n' >bad.csv
run import --db store.db bad.csv
expect_eq "import of a bad csv exit" "${code}" 1
expect_contains "import of a bad csv names line and column" "${out}" 'bad.csv:3: column "timestamp"'
run db status --db store.db
expect_contains "failed imports added nothing" "${out}" "events: 42"

run backup --db store.db -o store.backup
expect_eq "backup exit" "${code}" 0
expect_contains "backup counts" "${out}" "42 events"
run backup --db store.db -o store.backup
expect_eq "backup over an existing file exit" "${code}" 2
run restore --db restored.db store.backup
expect_eq "restore exit" "${code}" 0
expect_contains "restore counts" "${out}" "restored 42 events"
run restore --db restored.db store.backup
expect_eq "restore into a non-empty store exit" "${code}" 3
expect_contains "restore into a non-empty store says so" "${out}" "already holds events"

echo "campaign notes" >notes.txt
run db status --db notes.txt
expect_eq "a text file as store exit" "${code}" 3
expect_contains "a text file as store says so" "${out}" "not a SQLite database"
expect_eq "a text file as store is untouched" "$(cat notes.txt)" "campaign notes"
run db status --db "postgresql://livesop:secret-pw@127.0.0.1:1/none?connect_timeout=2"
expect_eq "unreachable PostgreSQL exit" "${code}" 3
expect_not_contains "unreachable PostgreSQL hides the password" "${out}" "secret-pw"
run db status
expect_eq "no --db exit" "${code}" 2

finish
