#!/usr/bin/env bash
# koffi's prebuilt binary for another platform (e.g. win32-x64, linux-arm64) into
# node_modules/@koromix/koffi-<platform>, the version of the installed koffi, without
# touching package.json or the lockfile (npm install --os/--cpu would compile koffi
# from source). Idempotent. Usage: scripts/fetch-koffi-prebuilt.sh <platform>-<arch>
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET=$1
KOFFI_VERSION=$(node -p "require('./node_modules/koffi/package.json').version")
DEST=node_modules/@koromix/koffi-$TARGET
if [ "$(node -p "try{require('./$DEST/package.json').version}catch{''}")" != "$KOFFI_VERSION" ]; then
  echo "fetching @koromix/koffi-$TARGET@$KOFFI_VERSION"
  TMP=$(mktemp -d)
  (cd "$TMP" && npm pack --silent "@koromix/koffi-$TARGET@$KOFFI_VERSION" >/dev/null)
  rm -rf "$DEST" && mkdir -p "$DEST"
  tar xzf "$TMP"/koromix-koffi-"$TARGET"-"$KOFFI_VERSION".tgz -C "$DEST" --strip-components=1
  rm -rf "$TMP"
fi
