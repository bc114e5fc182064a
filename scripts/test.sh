#!/usr/bin/env bash
# Sets up the machine (scripts/setup.sh), builds every preset and runs every test:
#   native   Catch2 tests, attention-cli tests, the desktop app's smoke test under Xvfb
#   sanitize the same native tests under AddressSanitizer + UndefinedBehaviorSanitizer (clang)
#   web      the same Catch2 tests compiled by Emscripten and run under node; then the browser tests
#            (playwright-core driving Debian's headless chromium) against the built page
#   server   scripts/serve.mjs against hostile requests (node --test tests/server/)
# Prints "N passed, N failed" last; exits non-zero if anything failed.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export NODE_PATH=/usr/share/nodejs  # Emscripten's JS optimizer needs Debian's acorn
export AP_ARTIFACTS="$root/artifacts"
mkdir -p "$AP_ARTIFACTS"

bash scripts/setup.sh || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }

passed=0
failed=0
failures=()
step() {  # step NAME COMMAND...: runs one stage, counts it
  local name="$1"; shift
  local t0=$SECONDS
  echo "=== $name"
  if "$@"; then
    passed=$((passed + 1)); echo "=== $name: ok ($((SECONDS - t0)) s)"
  else
    failed=$((failed + 1)); failures+=("$name"); echo "=== $name: FAILED ($((SECONDS - t0)) s)"
  fi
}
build() { cmake --preset "$1" >/dev/null && cmake --build --preset "$1" -j 2; }

desktop_smoke() {
  rm -f "$AP_ARTIFACTS/desktop.png"
  timeout 120 xvfb-run -a -s "-screen 0 1280x800x24" \
    build/native/src/app/attention-playground --frames 30 --screenshot "$AP_ARTIFACTS/desktop.png" \
      --scenario docs/examples/mha_causal.json --views "$AP_ARTIFACTS" &&
    test -s "$AP_ARTIFACTS/desktop.png" && test -s "$AP_ARTIFACTS/desktop-positional.png"
}

step "server tests (node)" node --test tests/server/
# The sanitize stages run beside the browser tests, which spend much of their time waiting for frames: the two
# cores would otherwise idle through those waits. Their output is printed once both are done.
sanitize_stages() {
  passed=0; failed=0; failures=()
  step "sanitize build" build sanitize
  step "sanitize tests (ASan + UBSan)" ctest --preset sanitize
  echo "$passed $failed ${failures[*]}" > "$AP_ARTIFACTS/sanitize.result"
}

step "native build" build native
step "native tests" ctest --preset native
step "desktop smoke test (Xvfb)" desktop_smoke
step "web build" build web
step "web tests (node)" ctest --preset web
rm -f "$AP_ARTIFACTS/sanitize.result"
sanitize_stages > "$AP_ARTIFACTS/sanitize.log" 2>&1 &
sanitize_pid=$!
step "browser tests (headless chromium)" env AP_PAGE_DIR="$root/build/web/page" node --test --test-concurrency=1 tests/browser/
wait "$sanitize_pid"
cat "$AP_ARTIFACTS/sanitize.log"
if read -r s_passed s_failed s_failures < "$AP_ARTIFACTS/sanitize.result" 2>/dev/null; then
  passed=$((passed + s_passed)); failed=$((failed + s_failed))
  [ -n "$s_failures" ] && failures+=("$s_failures")
else
  failed=$((failed + 1)); failures+=("sanitize stages (no result)")
fi

if [ ${#failures[@]} -gt 0 ]; then echo "failed stages: ${failures[*]}"; fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
