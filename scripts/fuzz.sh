#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz: scenario, paste, npy, share_link) with clang in build/fuzz and fuzzes each
# for FUZZ_SECONDS (default 60), starting from the checked-in seed corpus tests/fuzz/corpus/<target>/.
#   scripts/fuzz.sh                 all four targets, 60 s each
#   FUZZ_SECONDS=300 scripts/fuzz.sh paste npy
# Everything the instrumented libraries compile is built with -fsanitize=fuzzer-no-link,address,undefined;
# the targets link libFuzzer. New interesting inputs go to build/fuzz/corpus/<target>/ (not checked in);
# a crash is saved as build/fuzz/crashes/<target>/crash-*, printed, and makes the script exit 1.
# Reproduce one with: build/fuzz/tests/fuzz/fuzz_<target> build/fuzz/crashes/<target>/crash-...
# (or, without clang, the plain replay binary of any build: tests/fuzz/fuzz_replay_<target> FILE).
# To keep the new inputs that cover edges the seeds do not: copy the seeds into an empty DIR, then
#   build/fuzz/tests/fuzz/fuzz_<target> -set_cover_merge=1 -use_counters=0 DIR build/fuzz/corpus/<target>
# and check the small new files of DIR into tests/fuzz/corpus/<target>/ (as cov_<hash>).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
seconds="${FUZZ_SECONDS:-60}"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(scenario paste npy share_link)
build="$root/build/fuzz"

flags="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
  -DAP_BUILD_APP=OFF -DAP_BUILD_TESTS=ON -DAP_BUILD_FUZZERS=ON >/dev/null
cmake --build "$build" -j "$(nproc)" --target "${targets[@]/#/fuzz_}"

status=0
for t in "${targets[@]}"; do
  corpus="$build/corpus/$t"
  crashes="$build/crashes/$t"
  mkdir -p "$corpus" "$crashes"
  echo "=== fuzz_$t: ${seconds} s, seeds from tests/fuzz/corpus/$t"
  start=$SECONDS
  # The first corpus folder collects new inputs; the checked-in seeds are only read.
  set +e
  # A single allocation over the RSS limit (a size check missing before an allocation) is a crash too.
  ASAN_OPTIONS="detect_leaks=1" UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
    "$build/tests/fuzz/fuzz_$t" "$corpus" "tests/fuzz/corpus/$t" \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="$crashes/" -print_final_stats=1 \
      > "$build/fuzz_$t.log" 2>&1
  rc=$?
  set -e
  grep -E "^(stat::|#[0-9]+ +DONE)|Done [0-9]+ runs" "$build/fuzz_$t.log" | tail -8 || true
  found=$(find "$crashes" -type f | wc -l)
  echo "=== fuzz_$t: exit $rc after $((SECONDS - start)) s, corpus $(find "$corpus" -type f | wc -l) files, $found crash files in $crashes"
  if [ "$rc" -ne 0 ] || [ "$found" -gt 0 ]; then
    status=1
    grep -E "ERROR|SUMMARY|fuzz check failed|terminate|==[0-9]+==" "$build/fuzz_$t.log" | head -20 || true
  fi
done
exit $status
