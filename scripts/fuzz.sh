#!/usr/bin/env bash
# Builds and runs the SOP loader fuzzer (fuzz/sop_loader_fuzz.cc).
#
#   scripts/fuzz.sh                      # 60 seconds
#   LIVESOP_FUZZ_SECONDS=600 scripts/fuzz.sh
#
# The corpus is seeded from testdata/sop and the example SOP into a temporary
# directory; nothing is written into the repository except the build-fuzz
# build directory. Exits non-zero when libFuzzer reports a crash, leak,
# timeout or sanitizer error; the reproducer is then kept (path printed).
set -euo pipefail

source_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${LIVESOP_FUZZ_BUILD_DIR:-${source_dir}/build-fuzz}"
seconds="${LIVESOP_FUZZ_SECONDS:-60}"

if [ ! -f "${build_dir}/build.ninja" ]; then
  CC=clang CXX=clang++ cmake -S "${source_dir}" -B "${build_dir}" -G Ninja \
    -DLIVESOP_FUZZ=ON -DLIVESOP_BUILD_TESTS=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo
fi
cmake --build "${build_dir}" --target sop_loader_fuzz
fuzzer="${build_dir}/sop_loader_fuzz"

# The fuzzer runs in an empty directory: relative includes in fuzz inputs
# resolve against it and find nothing. Crash artifacts land there too.
work_dir="$(mktemp -d "${TMPDIR:-/tmp}/livesop-fuzz.XXXXXX")"
corpus_dir="${work_dir}/corpus"
run_dir="${work_dir}/run"
mkdir -p "${corpus_dir}" "${run_dir}"

seeds=0
while IFS= read -r -d '' seed; do
  # Flatten the path into a unique name: testdata has same-named files in
  # different folders.
  name="${seed#"${source_dir}"/}"
  cp "${seed}" "${corpus_dir}/${name//\//_}"
  seeds=$((seeds + 1))
done < <(find "${source_dir}/testdata/sop" "${source_dir}/examples/marketing-ops" \
           -type f -name '*.yaml' -print0)
echo "livesop fuzz: ${seeds} seed files in ${corpus_dir}, working in ${run_dir}"

# Options already in the environment are appended, so they win: for example
# ASAN_OPTIONS=detect_leaks=0 while chasing a different bug.
export ASAN_OPTIONS="detect_leaks=1${ASAN_OPTIONS:+:${ASAN_OPTIONS}}"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:${UBSAN_OPTIONS}}"

log="${work_dir}/fuzz.log"
status=0
(
  cd "${run_dir}"
  "${fuzzer}" -max_total_time="${seconds}" -timeout=10 -rss_limit_mb=2048 \
    -max_len=65536 -dict="${source_dir}/fuzz/sop.dict" \
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
  echo "livesop fuzz: FAILED (exit ${status}) after ${execs:-?} executions;" \
       "reproducer and log in ${work_dir}" >&2
  exit "${status}"
fi
rm -rf "${work_dir}"
echo "livesop fuzz: OK, ${execs:-?} executions in ${elapsed} seconds," \
     "no crash, leak, timeout or sanitizer error"
