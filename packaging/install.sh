#!/bin/sh
# Install qga: the bundled agent, its systemd units and udev rule.
#
#   packaging/install.sh                  install on this machine and enable the units
#   DESTDIR=/mnt/vm-root packaging/install.sh
#                                         install into a VM image tree (offline enable)
#
# Variables: DESTDIR (default empty), PREFIX (default /usr/local),
# BUNDLE (default packages/agent/dist/qga.mjs; build it with `npm run build`),
# NO_ENABLE=1 (copy only), ENABLE_VSOCK=1 (also enable qga-vsock.service).
# The guest needs Node.js >= 20 as `node` in systemd's PATH.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
DESTDIR=${DESTDIR:-}
PREFIX=${PREFIX:-/usr/local}
BUNDLE=${BUNDLE:-$root/packages/agent/dist/qga.mjs}
MODULES=$(dirname "$BUNDLE")/node_modules
NO_ENABLE=${NO_ENABLE:-}
ENABLE_VSOCK=${ENABLE_VSOCK:-}

libdir=$PREFIX/lib/qga
bindir=$PREFIX/bin
unitdir=/etc/systemd/system
rulesdir=/etc/udev/rules.d
sharedir=$PREFIX/share/qga

if [ ! -f "$BUNDLE" ]; then
  echo "install.sh: $BUNDLE not found; build it first (npm run build)" >&2
  exit 1
fi

install -d "$DESTDIR$libdir" "$DESTDIR$bindir" "$DESTDIR$unitdir" "$DESTDIR$rulesdir" "$DESTDIR$sharedir"
install -m 0755 "$BUNDLE" "$DESTDIR$libdir/qga.mjs"
# koffi and its prebuilt binaries (the native layer: set-time, freeze, vsock, ...).
if [ -d "$MODULES" ]; then
  rm -rf "$DESTDIR$libdir/node_modules"
  cp -R "$MODULES" "$DESTDIR$libdir/node_modules"
else
  echo "install.sh: note: $MODULES missing; kernel calls (set-time, freeze, vsock-listen, ...) will fail" >&2
fi
ln -sfn "$libdir/qga.mjs" "$DESTDIR$bindir/qga"

# Units name the binary as /usr/local/bin/qga; follow PREFIX.
for unit in qga.service qga-vsock.service; do
  sed "s#/usr/local/bin/qga#$bindir/qga#g" "$here/$unit" > "$DESTDIR$unitdir/$unit"
  chmod 0644 "$DESTDIR$unitdir/$unit"
done
install -m 0644 "$here/60-qga.rules" "$DESTDIR$rulesdir/60-qga.rules"
install -m 0644 "$here/qemu-ga.conf" "$DESTDIR$sharedir/qemu-ga.conf.example"

echo "installed: $DESTDIR$libdir/qga.mjs, $DESTDIR$bindir/qga, $DESTDIR$unitdir/{qga,qga-vsock}.service, $DESTDIR$rulesdir/60-qga.rules"

if ! command -v node >/dev/null 2>&1 && [ -z "$DESTDIR" ]; then
  echo "install.sh: warning: node is not in PATH; qga needs Node.js >= 20" >&2
fi
[ -n "$NO_ENABLE" ] && exit 0

units=qga.service
[ -n "$ENABLE_VSOCK" ] && units="$units qga-vsock.service"
if [ -n "$DESTDIR" ]; then
  # Offline: systemctl --root only creates the [Install] symlinks.
  if command -v systemctl >/dev/null 2>&1; then
    systemctl --root="$DESTDIR" enable $units
  else
    for unit in $units; do
      case $unit in
        qga.service) wants='dev-virtio\x2dports-org.qemu.guest_agent.0.device.wants' ;;
        *) wants=multi-user.target.wants ;;
      esac
      install -d "$DESTDIR$unitdir/$wants"
      ln -sfn "$unitdir/$unit" "$DESTDIR$unitdir/$wants/$unit"
    done
  fi
  echo "enabled in $DESTDIR: $units"
  exit 0
fi

if [ -d /run/systemd/system ]; then
  systemctl daemon-reload
  systemctl enable $units
  if command -v udevadm >/dev/null 2>&1; then
    udevadm control --reload || true
    # Start qga.service now if the port is already there.
    udevadm trigger --subsystem-match=virtio-ports --action=add || true
  fi
  [ -n "$ENABLE_VSOCK" ] && systemctl restart qga-vsock.service
  echo "enabled: $units"
else
  echo "install.sh: systemd is not running; units copied but not enabled (run with DESTDIR= for an image, or enable them on boot)" >&2
fi
