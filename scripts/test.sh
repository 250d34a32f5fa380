#!/usr/bin/env bash
# Installs what is missing, builds livesop with AddressSanitizer and UBSan,
# and runs every test: formatting, clang-tidy, the unit and data-driven tests
# (CTest, with the store suites against both SQLite and a throw-away
# PostgreSQL server), the CLI end-to-end tests, and a bounded libFuzzer run
# of the SOP loader. Exits non-zero when anything fails.
#
# Environment: LIVESOP_FUZZ_SECONDS (default 60) bounds the fuzz run;
# LIVESOP_SKIP_TIDY=1 skips clang-tidy (it is the slowest step).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

step() { printf '\n== %s\n' "$*"; }

step "dependencies"
scripts/install-deps.sh

step "clang-format"
mapfile -t sources < <(git ls-files '*.cc' '*.h' 2>/dev/null || find src fuzz tests -name '*.cc' -o -name '*.h')
clang-format --dry-run --Werror "${sources[@]}"
echo "${#sources[@]} files formatted"

step "build (ASan + UBSan)"
cmake -S . -B build-test -G Ninja -DCMAKE_BUILD_TYPE=Debug -DLIVESOP_SANITIZE=ON >/dev/null
cmake --build build-test -j "$jobs"

if [ "${LIVESOP_SKIP_TIDY:-0}" != 1 ]; then
  step "clang-tidy"
  mapfile -t tidy_sources < <(git ls-files 'src/*.cc' | grep -v '_test\.cc$')
  printf '%s\n' "${tidy_sources[@]}" |
    xargs -P "$jobs" -n 1 clang-tidy -p build-test --quiet \
      --extra-arg=-Wno-unknown-warning-option 2>/dev/null
  echo "${#tidy_sources[@]} files clean"
fi

step "tests"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export LSAN_OPTIONS="suppressions=$(pwd)/tests/lsan.supp:print_suppressions=0"
# PostgreSQL: a throw-away server on loopback for the store tests.
scripts/with-postgres.sh ctest --test-dir build-test --output-on-failure -j "$jobs"
# A server of its own for the test that stops the server mid-run.
LIVESOP_TEST_POSTGRES_MAY_STOP=1 scripts/with-postgres.sh \
  build-test/src/store/store_test --gtest_filter='PostgresFaultTest.*'

step "fuzz"
LIVESOP_FUZZ_SECONDS="${LIVESOP_FUZZ_SECONDS:-60}" scripts/fuzz.sh

echo
echo "all tests passed"
