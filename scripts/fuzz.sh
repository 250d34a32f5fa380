#!/usr/bin/env bash
# Builds and runs the libFuzzer targets: the SOP loader
# (fuzz/sop_loader_fuzz.cc), the event log readers
# (fuzz/xes_reader_fuzz.cc, fuzz/csv_reader_fuzz.cc) and the side-path
# connectors (fuzz/connector_fuzz.cc, one fuzzer per connector).
#
#   scripts/fuzz.sh                      # 60 seconds in all
#   LIVESOP_FUZZ_SECONDS=600 scripts/fuzz.sh
#   scripts/fuzz.sh xes_reader_fuzz      # one fuzzer, all the time
#
# LIVESOP_FUZZ_SECONDS is split evenly between the fuzzers run. Each corpus
# is seeded into a temporary directory: the SOP loader's from testdata/sop
# and the example SOP; the XES reader's from testdata/eventlog and small,
# well-formed slices of the shared logs (../shared/data/logs); the CSV
# reader's from testdata/eventlog and one small log per timestamp format.
# Nothing is written into the repository except the build-fuzz build
# directory (LIVESOP_FUZZ_BUILD_DIR chooses another). Every fuzzer runs
# even when an earlier one fails; the script exits non-zero when libFuzzer
# reports a crash, leak, timeout or sanitizer error in any of them, and the
# reproducers are then kept (paths printed).
set -euo pipefail

source_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${LIVESOP_FUZZ_BUILD_DIR:-${source_dir}/build-fuzz}"
seconds="${LIVESOP_FUZZ_SECONDS:-60}"
logs_dir="${source_dir}/../shared/data/logs"

all_fuzzers=(sop_loader_fuzz xes_reader_fuzz csv_reader_fuzz
  whatsapp_connector_fuzz email_connector_fuzz sheet_connector_fuzz
  slack_connector_fuzz webhook_connector_fuzz)
if [ "$#" -gt 0 ]; then
  fuzzers=("$@")
else
  fuzzers=("${all_fuzzers[@]}")
fi
for fuzzer in "${fuzzers[@]}"; do
  case " ${all_fuzzers[*]} " in
    *" ${fuzzer} "*) ;;
    *) echo "livesop fuzz: no fuzzer ${fuzzer}; there are ${all_fuzzers[*]}" >&2
       exit 2 ;;
  esac
done
share=$((seconds / ${#fuzzers[@]}))
[ "${share}" -ge 1 ] || share=1

if [ ! -f "${build_dir}/build.ninja" ]; then
  CC=clang CXX=clang++ cmake -S "${source_dir}" -B "${build_dir}" -G Ninja \
    -DLIVESOP_FUZZ=ON -DLIVESOP_BUILD_TESTS=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo
fi
cmake --build "${build_dir}" --target "${fuzzers[@]}"

work_dir="$(mktemp -d "${TMPDIR:-/tmp}/livesop-fuzz.XXXXXX")"

# Copies each file found under the given paths (with `find` tests after
# `--`) into corpus directory $1, the path flattened into a unique name:
# testdata has same-named files in different folders.
seed_files() {
  local corpus="$1"
  shift
  local roots=()
  while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do
    roots+=("$1")
    shift
  done
  shift
  while IFS= read -r -d '' seed; do
    local name="${seed#"${source_dir}"/}"
    cp "${seed}" "${corpus}/${name//\//_}"
  done < <(find "${roots[@]}" -type f "$@" -print0)
}

# A log's header and first $2 traces, closed: a small well-formed XES file.
xes_slice() {
  awk -v limit="$2" '
    { print }
    /<\/trace>/ { if (++traces == limit) { print "</log>"; exit } }
  ' "$1"
}

seed_sop() {
  seed_files "$1" "${source_dir}/testdata/sop" \
    "${source_dir}/examples/marketing-ops" -- -name '*.yaml'
}

seed_xes() {
  local corpus="$1"
  seed_files "${corpus}" "${source_dir}/testdata/eventlog" -- -name '*.xes'
  local log
  for log in running-example receipt roadtraffic100traces; do
    if [ -f "${logs_dir}/${log}.xes" ]; then
      xes_slice "${logs_dir}/${log}.xes" 3 >"${corpus}/slice-${log}.xes"
    fi
  done
}

# The CSV fuzzer reads its options from the first byte; '@' (0x40) asks for
# the defaults: timestamps required, delimiter and format detected.
seed_csv() {
  local corpus="$1"
  local seed
  while IFS= read -r -d '' seed; do
    local name="${seed#"${source_dir}"/}"
    { printf '@'; cat "${seed}"; } >"${corpus}/${name//\//_}"
  done < <(find "${source_dir}/testdata/eventlog" -type f -name '*.csv' -print0)
  local i=0
  local times
  for times in \
      "2024-03-01T09:05:00.250+01:00|2024-03-01 10:00" \
      "2024/03/01 09:05:07|2024/03/13 10:00:00" \
      "13-03-2024 09:05|01-03-2024 10:00" \
      "03/13/2024 09:05|03/01/2024 10:00" \
      "01/02/2024 09:05|03/04/2024 10:00" \
      "13.03.2024 09:05:07.5|14.03.2024 10:00:00" \
      "1709283900|1709283907" \
      "1709283900123|1709283907000"; do
    {
      printf '@case;activity;time;resource\n'
      printf '1;a;%s;ana\n' "${times%%|*}"
      printf '"1";"b ""x""";%s;\n' "${times##*|}"
    } >"${corpus}/format-${i}.csv"
    i=$((i + 1))
  done
}

# A connector fuzzer reads the file name's extension from the first byte
# (fuzz/connector_fuzz.cc): each of the connector's test exports is seeded
# behind the byte of its own extension.
seed_connector() {
  local corpus="$1"
  local connector="$2"
  local extensions=(txt zip eml mbox json csv xlsx xls)
  local seed
  while IFS= read -r -d '' seed; do
    local name="${seed#"${source_dir}"/}"
    local ext="${seed##*.}"
    local i
    for i in "${!extensions[@]}"; do
      if [ "${extensions[$i]}" = "${ext}" ]; then
        { printf "\\$(printf '%03o' "$i")"; cat "${seed}"; } \
          >"${corpus}/${name//\//_}"
      fi
    done
  done < <(find "${source_dir}/testdata/connect/${connector}" -type f -print0)
}

# libFuzzer dictionaries: XES's element and attribute names and value forms
# (the SOP loader's is committed as fuzz/sop.dict).
write_xes_dict() {
  cat >"$1" <<'EOF'
t_decl="<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
t_log="<log xes.version=\"1849-2016\" xes.features=\"\">"
t_log_end="</log>"
t_trace="<trace>"
t_trace_end="</trace>"
t_event="<event>"
t_event_end="</event>"
t_string="<string key=\"concept:name\" value=\"a\"/>"
t_date="<date key=\"time:timestamp\" value=\"2024-03-01T09:05:00.000+01:00\"/>"
t_int="<int key=\"n\" value=\"1\"/>"
t_float="<float key=\"f\" value=\"1.5\">"
t_float_end="</float>"
t_boolean="<boolean key=\"b\" value=\"true\"/>"
t_id="<id key=\"i\" value=\"x\"/>"
t_list="<list key=\"l\">"
t_list_end="</list>"
t_values="<values>"
t_values_end="</values>"
t_container="<container key=\"c\">"
t_container_end="</container>"
t_global="<global scope=\"trace\">"
t_global_end="</global>"
t_extension="<extension name=\"Concept\" prefix=\"concept\" uri=\"u\"/>"
t_classifier="<classifier name=\"A\" keys=\"concept:name 'a b'\"/>"
t_doctype="<!DOCTYPE log [<!ENTITY e \"x\">]>"
a_key=" key=\""
a_value=" value=\""
r_amp="&amp;"
r_char="&#38;"
r_entity="&e;"
v_date="2024-02-29T23:59:59.999999-23:59"
v_date_short="2024-02-29"
EOF
}

write_csv_dict() {
  cat >"$1" <<'EOF'
h_case="case:concept:name"
h_activity="concept:name"
h_time="time:timestamp"
h_resource="org:resource"
q="\""
qq="\"\""
crlf="\x0d\x0a"
v_iso="2024-03-01T09:05:00.000+01:00"
v_slash="13/03/2024 09:05:07"
v_us="03/13/2024 09:05"
v_dot="13.03.2024"
v_ymd="2024/03/01 09:05"
v_unix="1709283900"
v_unix_ms="1709283900123"
EOF
}

# Options already in the environment are appended, so they win: for example
# ASAN_OPTIONS=detect_leaks=0 while chasing a different bug.
export ASAN_OPTIONS="detect_leaks=1${ASAN_OPTIONS:+:${ASAN_OPTIONS}}"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:${UBSAN_OPTIONS}}"

failed=()
summary=()
for fuzzer in "${fuzzers[@]}"; do
  dir="${work_dir}/${fuzzer}"
  corpus_dir="${dir}/corpus"
  run_dir="${dir}/run"
  mkdir -p "${corpus_dir}" "${run_dir}"
  case "${fuzzer}" in
    sop_loader_fuzz)
      seed_sop "${corpus_dir}"
      dict="${source_dir}/fuzz/sop.dict"
      max_len=65536 ;;
    xes_reader_fuzz)
      seed_xes "${corpus_dir}"
      dict="${dir}/xes.dict"
      write_xes_dict "${dict}"
      max_len=65536 ;;
    csv_reader_fuzz)
      seed_csv "${corpus_dir}"
      dict="${dir}/csv.dict"
      write_csv_dict "${dict}"
      max_len=16384 ;;
    *_connector_fuzz)
      seed_connector "${corpus_dir}" "${fuzzer%_connector_fuzz}"
      dict=""
      max_len=65536 ;;
  esac
  seeds="$(find "${corpus_dir}" -type f | wc -l)"
  echo "livesop fuzz: ${fuzzer} for ${share} s, ${seeds} seed files," \
       "working in ${run_dir}"

  # The fuzzer runs in an empty directory: relative includes in SOP inputs
  # resolve against it and find nothing. Crash artifacts land there too.
  log="${dir}/fuzz.log"
  status=0
  (
    cd "${run_dir}"
    "${build_dir}/${fuzzer}" -max_total_time="${share}" -timeout=10 \
      -rss_limit_mb=2048 -max_len="${max_len}" ${dict:+-dict="${dict}"} \
      -artifact_prefix="${run_dir}/" "${corpus_dir}" </dev/null 2>&1
  ) | tee "${log}" || status=$?

  # libFuzzer ends a clean run with "Done N runs in S second(s)"; after a
  # failure the last "#N ..." status line gives the executions so far.
  done_line="$(grep -E '^Done [0-9]+ runs in [0-9]+ second' "${log}" | tail -n 1 || true)"
  if [ -n "${done_line}" ]; then
    execs="$(sed -E 's/^Done ([0-9]+) runs.*/\1/' <<<"${done_line}")"
    elapsed="$(sed -E 's/.* in ([0-9]+) second.*/\1/' <<<"${done_line}")"
  else
    execs="$(grep -oE '^#[0-9]+' "${log}" | tail -n 1 | tr -d '#' || true)"
    elapsed="?"
  fi
  if [ "${status}" -ne 0 ]; then
    failed+=("${fuzzer}")
    summary+=("${fuzzer}: FAILED (exit ${status}) after ${execs:-?} executions;
  reproducer and log in ${dir}")
  else
    rm -rf "${dir}"
    summary+=("${fuzzer}: OK, ${execs:-?} executions in ${elapsed} seconds")
  fi
done

echo
printf 'livesop fuzz: %s\n' "${summary[@]}"
if [ "${#failed[@]}" -ne 0 ]; then
  echo "livesop fuzz: FAILED: ${failed[*]}; kept ${work_dir}" >&2
  exit 1
fi
rm -rf "${work_dir}"
echo "livesop fuzz: OK, no crash, leak, timeout or sanitizer error"
