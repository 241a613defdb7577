#!/bin/sh
# Build the Debian package of qga from the single executables:
#   dist-bin/linux-x64/{qga,qga-client,koffi.node}  (npm run build:sea)
#   → dist-bin/qga_<version>_amd64.deb
#
# Layout: /usr/sbin/qga, /usr/bin/qga-client, and koffi's native module as
# /usr/lib/qga/koffi.node (the executables look for it beside themselves, then
# in ../lib/qga/). Units and udev rule from packaging/, man pages, docs and
# maintainer scripts from packaging/deb/.
#
# Variables: SEA_DIR (default dist-bin/linux-x64), OUT_DIR (default dist-bin),
# DEB_REVISION (default 1), DEB_MAINTAINER (default: the package's own
# address below), SOURCE_DATE_EPOCH (default: the last commit's time; file
# times and the changelog date, so two builds of one commit are identical).
# Needs: dpkg-deb, dpkg-shlibdeps (dpkg-dev), gzip, node (to read the version).
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
pkg=$root/packaging
SEA_DIR=${SEA_DIR:-$root/dist-bin/linux-x64}
OUT_DIR=${OUT_DIR:-$root/dist-bin}
DEB_REVISION=${DEB_REVISION:-1}
DEB_MAINTAINER=${DEB_MAINTAINER:-qga maintainers <qga-maintainers@lists.example.org>}
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
  SOURCE_DATE_EPOCH=$(git -C "$root" log -1 --format=%ct 2>/dev/null || date +%s)
fi
export SOURCE_DATE_EPOCH

# One version for the package, the executables and -V: @qga/agent's (docs/versioning.md).
upstream=$(node -p "require('$root/packages/agent/package.json').version")
version=$upstream-$DEB_REVISION
arch=amd64

for file in qga qga-client koffi.node; do
  if [ ! -f "$SEA_DIR/$file" ]; then
    echo "build-deb: $SEA_DIR/$file not found; build the executables first (npm run build:sea)" >&2
    exit 1
  fi
done

stage=$(mktemp -d "${TMPDIR:-/tmp}/qga-deb.XXXXXX")
trap 'rm -rf "$stage"' EXIT
umask 022
chmod 0755 "$stage"

# ---- files
lib=$stage/usr/lib/qga
doc=$stage/usr/share/doc/qga
install -d "$lib" "$stage/usr/sbin" "$stage/usr/bin" \
  "$stage/usr/lib/systemd/system" "$stage/usr/lib/udev/rules.d" \
  "$stage/usr/share/man/man8" "$stage/usr/share/man/man1" \
  "$doc/examples" "$stage/usr/share/lintian/overrides" "$stage/DEBIAN"

install -m 0755 "$SEA_DIR/qga" "$stage/usr/sbin/qga"
install -m 0755 "$SEA_DIR/qga-client" "$stage/usr/bin/qga-client"
# As built: qga checks its SHA-256 against the one recorded in the executable (no strip here).
install -m 0644 "$SEA_DIR/koffi.node" "$lib/koffi.node"

# The units name the executable as installed by packaging/install.sh; here it is /usr/sbin/qga.
for unit in qga.service qga-vsock.service; do
  sed 's#/usr/local/bin/qga#/usr/sbin/qga#g' "$pkg/$unit" >"$stage/usr/lib/systemd/system/$unit"
  chmod 0644 "$stage/usr/lib/systemd/system/$unit"
done
install -m 0644 "$pkg/60-qga.rules" "$stage/usr/lib/udev/rules.d/60-qga.rules"

gzip -9n <"$pkg/man/qga.8" >"$stage/usr/share/man/man8/qga.8.gz"
gzip -9n <"$pkg/man/qga-client.1" >"$stage/usr/share/man/man1/qga-client.1.gz"

# An example, not a conffile: every line of it is a comment, and /etc/qemu/qemu-ga.conf
# is qemu-ga's file too (see packaging/README.md).
install -m 0644 "$pkg/qemu-ga.conf" "$doc/examples/qemu-ga.conf"
install -m 0644 "$pkg/deb/copyright" "$doc/copyright"
date_r=$(LC_ALL=C date -u -R -d "@$SOURCE_DATE_EPOCH")
sed -e "s#@VERSION@#$version#" -e "s#@MAINTAINER@#$DEB_MAINTAINER#" -e "s#@DATE@#$date_r#" \
  "$pkg/deb/changelog.in" | gzip -9n >"$doc/changelog.Debian.gz"
chmod 0644 "$doc/changelog.Debian.gz" "$stage"/usr/share/man/man*/*.gz
install -m 0644 "$pkg/deb/lintian-overrides" "$stage/usr/share/lintian/overrides/qga"

# ---- control
# Shared libraries the executables and native modules link: dpkg-shlibdeps needs a debian/control to run in.
shlib=$stage.shlibs
mkdir -p "$shlib/debian"
trap 'rm -rf "$stage" "$shlib"' EXIT
printf 'Source: qga\n\nPackage: qga\nArchitecture: %s\n' "$arch" >"$shlib/debian/control"
depends=$(cd "$shlib" && dpkg-shlibdeps -O --ignore-missing-info -e"$stage/usr/sbin/qga" -e"$stage/usr/bin/qga-client" -e"$lib/koffi.node" 2>"$shlib/log" |
  sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || { grep -v warning "$shlib/log" >&2; echo "build-deb: dpkg-shlibdeps failed" >&2; exit 1; }

# Installed-Size as dpkg-gencontrol counts it: KiB per file (rounded up), 1 per directory and link.
installed_size=$(cd "$stage" && find . -path ./DEBIAN -prune -o ! -name . -print0 |
  xargs -0 stat -c '%F %s' | awk '{ n = $NF; if ($1 == "regular") s += int((n + 1023) / 1024); else s += 1 } END { print s }')

sed -e "s#@VERSION@#$version#" -e "s#@ARCH@#$arch#" -e "s#@MAINTAINER@#$DEB_MAINTAINER#" \
  -e "s#@INSTALLED_SIZE@#$installed_size#" -e "s#@DEPENDS@#$depends#" \
  "$pkg/deb/control.in" >"$stage/DEBIAN/control"
for script in postinst prerm postrm; do install -m 0755 "$pkg/deb/$script" "$stage/DEBIAN/$script"; done
(cd "$stage" && find . -path ./DEBIAN -prune -o -type f -print | sed 's#^\./##' | LC_ALL=C sort | xargs md5sum) >"$stage/DEBIAN/md5sums"
chmod 0644 "$stage/DEBIAN/control" "$stage/DEBIAN/md5sums"

# Same bytes for the same commit: fixed times, sorted entries (dpkg-deb sorts), root:root.
find "$stage" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
mkdir -p "$OUT_DIR"
out=$OUT_DIR/qga_${version}_$arch.deb
dpkg-deb --root-owner-group -Zxz -z1 --build "$stage" "$out" >/dev/null
echo "build-deb: $out ($(du -k "$out" | cut -f1) KiB; Installed-Size $installed_size KiB; Depends: $depends)"
