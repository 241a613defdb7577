#!/usr/bin/env bash
# Builds QEMU's own unit test tests/unit/test-qga from Debian's qemu source
# package into .cache/test-qga/<version>/ (kept between runs: a second run
# only checks the binary is there). Needs a deb-src entry (.ci/run writes
# one) and: dpkg-dev meson ninja-build pkg-config gcc libglib2.0-dev.
# Prints the path of the test binary's build dir.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
# The version apt-get source fetches (the newest known source).
version=$(apt-cache showsrc qemu | sed -n 's/^Version: //p' | sort -V | tail -n 1)
[ -n "$version" ] || { echo "build-test-qga: no qemu source package known (deb-src entry missing?)" >&2; exit 1; }
dir="$root/.cache/test-qga/${version//:/_}"
if [ -x "$dir/src/build/tests/unit/test-qga" ]; then
  echo "$dir"
  exit 0
fi
rm -rf "$dir" && mkdir -p "$dir/dl"
cd "$dir/dl"
apt-get source -qq --download-only "qemu=$version" >/dev/null 2>&1
dpkg-source -x --no-check qemu_*.dsc "$dir/src" >/dev/null
rm -rf "$dir/dl"
mkdir -p "$dir/src/build"
cd "$dir/src/build"
../configure --target-list= --disable-system --disable-user --disable-tools --enable-guest-agent --disable-docs >"$dir/configure.log" 2>&1 ||
  { tail -n 30 "$dir/configure.log" >&2; exit 1; }
ninja tests/unit/test-qga >"$dir/ninja.log" 2>&1 || { tail -n 30 "$dir/ninja.log" >&2; exit 1; }
echo "$dir"
