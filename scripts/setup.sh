#!/usr/bin/env bash
# Installs everything the project needs from Debian's packages and the npm registry.
# Idempotent: safe to run again; skips work that is already done. Run as root on a fresh Debian 12.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

packages=(
  build-essential cmake ninja-build pkg-config dpkg-dev clang lld libclang-rt-14-dev
  emscripten
  libeigen3-dev libglfw3-dev libgl-dev catch2 nlohmann-json3-dev libcli11-dev libhwy-dev libstb-dev
  chromium xvfb xauth python3-torch python3-numpy
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Dear ImGui 1.86 sources come from Debian's source package (libimgui-dev ships no backends for the web).
imgui_dir="$root/third_party/imgui"
if [ ! -f "$imgui_dir/imgui.cpp" ]; then
  src_list=/etc/apt/sources.list.d/attention-playground-src.sources
  if [ ! -f "$src_list" ]; then
    # A deb-src twin of each Debian deb source.
    for f in /etc/apt/sources.list.d/*.sources; do
      [ "$f" = "$src_list" ] && continue
      grep -q 'debian' "$f" || continue
      sed -e 's/^Types: deb$/Types: deb-src/' "$f"
      echo
    done > "$src_list"
    if [ -f /etc/apt/sources.list ] && grep -q '^deb ' /etc/apt/sources.list; then
      grep '^deb ' /etc/apt/sources.list | sed 's/^deb /deb-src /' > /etc/apt/sources.list.d/attention-playground-src.list
    fi
    apt-get update -qq
  fi
  tmp="$(mktemp -d)"
  (cd "$tmp" && apt-get source -qq imgui >/dev/null 2>&1 || (cd "$tmp" && apt-get source --download-only imgui && dpkg-source -x ./*.dsc))
  src="$(find "$tmp" -maxdepth 1 -type d -name 'imgui-*' | head -n1)"
  [ -n "$src" ] && [ -f "$src/imgui.cpp" ] || { echo "setup: could not unpack Dear ImGui sources" >&2; exit 1; }
  mkdir -p "$root/third_party"
  rm -rf "$imgui_dir"
  mv "$src" "$imgui_dir"
  rm -rf "$tmp"
fi

# Node packages (playwright-core drives Debian's chromium; no browser download; onnxruntime-node and -web for
# scripts/bench.mjs; @tensorflow/tfjs-core, -backend-wasm and esbuild for scripts/bench/train_bench.mjs, which
# installs them itself where an older node_modules lacks them). --ignore-scripts: onnxruntime-node's install
# step downloads GPU files, its CPU binaries are in the package.
if [ ! -d "$root/node_modules/playwright-core" ] || [ ! -d "$root/node_modules/onnxruntime-web" ]; then
  export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
  npm ci --ignore-scripts --no-audit --no-fund --silent
fi
echo "setup: done"
