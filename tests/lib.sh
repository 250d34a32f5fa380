# Helpers the end-to-end test scripts share: counting, assertions, running
# the program and reading its JSON. Source it after setting `livesop` (the
# binary's absolute path); end with `finish`.
#
# Failures are printed one line each on standard output, so the summary
# stays last when the streams are merged; `finish` prints exactly one line
# "N passed, M failed" and exits 1 when anything failed.

passed=0
failed=0

# take_args "$@": the script's two arguments, the livesop binary and the
# source folder, as absolute paths in $livesop and $source_dir; a usage
# line and exit 2 when they are not two.
take_args() {
  if [ $# -ne 2 ]; then
    echo "usage: $0 LIVESOP_BINARY SOURCE_DIR" >&2
    exit 2
  fi
  livesop="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
  source_dir="$(cd "$2" && pwd)"
}

# enter_work_dir NAME: a fresh temporary folder in $work_dir, removed on
# exit (a script that must stop a server sets its own EXIT trap after
# this), made the current folder; the variables that name a store and an
# SOP are cleared so the caller's environment cannot leak in.
enter_work_dir() {
  work_dir="$(mktemp -d "${TMPDIR:-/tmp}/livesop-$1.XXXXXX")"
  # shellcheck disable=SC2064 # the folder is known now
  trap "rm -rf '${work_dir}'" EXIT
  cd "${work_dir}" || exit 2
  unset LIVESOP_DB LIVESOP_SOP
}

pass() { passed=$((passed + 1)); }
fail() {
  failed=$((failed + 1))
  echo "FAIL: $1"
}

# expect_eq NAME ACTUAL EXPECTED
expect_eq() {
  if [ "$2" == "$3" ]; then pass; else fail "$1: got '$2', want '$3'"; fi
}

# expect_contains NAME TEXT NEEDLE (a fixed string)
expect_contains() {
  if grep -qF -- "$3" <<<"$2"; then
    pass
  else
    fail "$1: output does not contain '$3'; output was:"$'\n'"$(head -n 20 <<<"$2")"
  fi
}

# expect_not_contains NAME TEXT NEEDLE
expect_not_contains() {
  if grep -qF -- "$3" <<<"$2"; then fail "$1: output contains '$3'"; else pass; fi
}

# expect_matches NAME TEXT REGEX (extended)
expect_matches() {
  if grep -qE -- "$3" <<<"$2"; then
    pass
  else
    fail "$1: no line matches /$3/; output was:"$'\n'"$(head -n 20 <<<"$2")"
  fi
}

# expect_true NAME COMMAND...
expect_true() {
  local name="$1"
  shift
  if "$@"; then pass; else fail "${name}"; fi
}

# run ARGS...: runs livesop, stdout and stderr together in $out, exit code
# in $code. Codes of 128 and above (a signal: a crash) always fail the test.
run() {
  out="$("${livesop}" "$@" 2>&1)"
  code=$?
  if [ "${code}" -ge 128 ]; then fail "livesop $* crashed (exit ${code})"; fi
}

# run_json ARGS...: as run, but $out holds standard output only (the JSON).
run_json() {
  out="$("${livesop}" "$@" 2>/dev/null)"
  code=$?
  if [ "${code}" -ge 128 ]; then fail "livesop $* crashed (exit ${code})"; fi
}

# py EXPR: evaluates the Python expression EXPR with `d` bound to the JSON
# document read from standard input and prints the result ("ERROR: ..." when
# the input is not JSON or the expression fails, so the assertion fails).
py() {
  python3 -c '
import json, sys
try:
    d = json.load(sys.stdin)
    print(eval(sys.argv[1]))
except Exception as e:
    print("ERROR: %r" % e)
' "$1"
}

finish() {
  echo "${passed} passed, ${failed} failed"
  [ "${failed}" -eq 0 ]
  exit $?
}

# write_request FILE BRIEF_DATE LAUNCH_DATE END_DATE [CHANNELS_JSON]: a
# complete Campaign Request Form of the example SOP for a small-budget,
# standard-route product launch (channels default ["email"]).
write_request() {
  cat >"$1" <<JSON
{
  "campaign_name": "Spring launch",
  "requester": "intan-permata",
  "objective": "awareness",
  "target_audience": "Young professionals in Jakarta",
  "key_message": "Light, fast, yours",
  "strategic_outline": "Supports the growth goal of the quarter",
  "campaign_brief": "https://drive.example.com/brief",
  "channels": ${5:-[\"email\"]},
  "asset_needs": "Instagram feed 1080x1350 JPG",
  "budget": 25000000,
  "cost_center": "CC-1234",
  "brief_date": "$2",
  "launch_date": "$3",
  "end_date": "$4",
  "timeline": "https://drive.example.com/timeline",
  "urgent": false
}
JSON
}
