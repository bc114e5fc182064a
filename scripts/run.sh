#!/usr/bin/env bash
# Sets up, builds and runs the playground.
#   scripts/run.sh            build the web version and serve it on 127.0.0.1 (prints the URL)
#   scripts/run.sh --desktop  build and open the desktop app (GLFW + OpenGL 3)
#   PORT=9000 scripts/run.sh  choose the port (default 8080)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export NODE_PATH=/usr/share/nodejs
bash scripts/setup.sh
if [ "${1:-}" = "--desktop" ]; then
  cmake --preset native >/dev/null && cmake --build --preset native -j 2
  exec build/native/src/app/attention-playground "${@:2}"
fi
cmake --preset web >/dev/null && cmake --build --preset web -j 2 --target attention-playground
exec node scripts/serve.mjs build/web/page "${PORT:-8080}"
