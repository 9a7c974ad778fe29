#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages the showroom needs to build, run and test:
# WebKitGTK and GTK for the Tauri window, fonts that render CJK and Cyrillic, Xvfb and
# WebKitWebDriver for the window tests, openbox and xdotool for the kiosk-close test (a real
# window manager sending Alt+F4), Chromium for the browser tests, nginx and openssl for
# the online show's tests behind a real TLS proxy (ui/e2e-browser/nginx.mjs), wrk for its
# load benchmark (ui/e2e-browser/loadbench.mjs), bc for scripts/measure-memory.sh,
# mingw-w64 and wine64 to build the Windows programs and run their tests, nsis for the
# Windows installer (xtask/src/windows.rs).
# Idempotent: when every package is present it installs nothing and prints one line.
set -euo pipefail

packages=(
  build-essential pkg-config curl wget file patchelf
  libwebkit2gtk-4.1-dev libsoup-3.0-dev libssl-dev libayatana-appindicator3-dev
  librsvg2-dev libxdo-dev
  fonts-noto-cjk fonts-noto-core fonts-dejavu-core
  xvfb xauth webkit2gtk-driver imagemagick openbox xdotool
  tidy
  chromium
  nginx openssl wrk bc
  mingw-w64 wine64 nsis
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "setup-system: all ${#packages[@]} system packages present"
  exit 0
fi

echo "setup-system: installing ${missing[*]}"
sudo=""
[[ $(id -u) -eq 0 ]] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get -o DPkg::Lock::Timeout=600 update -q
$sudo apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}"
