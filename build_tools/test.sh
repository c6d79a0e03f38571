#!/usr/bin/env bash
# build_tools/test.sh: the whole test suite, as CI runs it.
#   1. GCC build with warnings as errors; every ctest suite.
#   2. Clang build with ASan+UBSan (and -Wthread-safety); every ctest suite
#      again, plus short libFuzzer runs of the parsers.
#   3. Clang build with ThreadSanitizer: the concurrency stress programs.
# Installs missing Debian packages first.  Exit status: 0 only if all pass.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/build_tools/deps.sh" --tests
jobs=$(nproc)

echo "== gcc build, -Werror =="
cmake -S "$root" -B "$root/build/test" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSHALE_WERROR=ON >/dev/null
cmake --build "$root/build/test" -j "$jobs"
(cd "$root/build/test" && ctest --output-on-failure -j 1)

echo "== clang build, ASan+UBSan, -Werror, fuzzers =="
CC=clang cmake -S "$root" -B "$root/build/asan" -DCMAKE_BUILD_TYPE=Debug -DSHALE_WERROR=ON \
  -DSHALE_SANITIZE=ON -DSHALE_FUZZ=ON >/dev/null
cmake --build "$root/build/asan" -j "$jobs"
(cd "$root/build/asan" && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
  LSAN_OPTIONS=suppressions="$root/tests/support/lsan.supp" \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j 1)

echo "== clang build, ThreadSanitizer: the concurrency stress programs =="
CC=clang cmake -S "$root" -B "$root/build/tsan" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSHALE_WERROR=ON \
  -DSHALE_TSAN=ON >/dev/null
cmake --build "$root/build/tsan" -j "$jobs" --target db_stress
(cd "$root/build/tsan" && SHALE_STRESS_SECONDS=15 TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
  ctest --output-on-failure -L stress -j 1)
