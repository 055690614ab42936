#!/usr/bin/env bash
# Builds the VM initramfs for the deploybench vm target: static busybox, the static refbot, the
# virtio network modules of the Debian kernel (virtio is modular there), and a minimal /init that
# brings up the slirp network, starts refbot from kernel command-line settings, and powers off
# on the ACPI power button (QMP system_powerdown).
# Usage: scripts/build-vm.sh [--refbot PATH] [--out FILE] [--kver VERSION]
#   --refbot  the static binary (default: build/apps/refbot/refbot-static)
#   --out     default: /var/lib/deploybench-vm/initramfs-<first 12 hex of the binary's sha256>.cpio.gz
#   --kver    kernel version whose modules to use (default: /var/lib/deploybench-vm/kernel-version,
#             which scripts/setup.sh writes next to the extracted vmlinux)
# Kernel command line read by /init: dbport=8080 dbpreset=tiny dbprecision=int8 dbthreads=1 dbbatch=8
# The deploybench vm target calls this on demand when the file does not exist yet.
# Prints the output path on the last line of stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
VMDIR=${DEPLOYBENCH_VM_DIR:-/var/lib/deploybench-vm}
REFBOT=build/apps/refbot/refbot-static
OUT=
KVER=
while [ $# -gt 0 ]; do
  case $1 in
    --refbot) REFBOT=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --kver) KVER=$2; shift 2 ;;
    *) echo "build-vm.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
[ -n "$KVER" ] || KVER=$(cat "$VMDIR/kernel-version" 2>/dev/null || uname -r)
fail() { echo "build-vm.sh: $*" >&2; exit 1; }
[ -x "$REFBOT" ] || fail "no static refbot at $REFBOT (build it: ninja -C build refbot-static)"
if ldd "$REFBOT" >/dev/null 2>&1; then fail "$REFBOT is dynamically linked; the initramfs needs the static build"; fi
BUSYBOX=/bin/busybox
if ldd "$BUSYBOX" >/dev/null 2>&1; then fail "$BUSYBOX is not static (install busybox-static: scripts/setup.sh)"; fi
MODDIR=/lib/modules/$KVER/kernel
[ -d "$MODDIR" ] || fail "no modules for kernel $KVER in $MODDIR (install linux-image-amd64: scripts/setup.sh)"
SUM=$(sha256sum "$REFBOT" | cut -c1-64)
[ -n "$OUT" ] || OUT="$VMDIR/initramfs-${SUM:0:12}.cpio.gz"

ROOT=$(mktemp -d)
trap 'rm -rf "$ROOT"' EXIT
mkdir -p "$ROOT"/{bin,dev,proc,sys,tmp,etc/acpi/PWRF,lib/modules}
cp "$BUSYBOX" "$ROOT/bin/busybox"
cp "$REFBOT" "$ROOT/refbot"
# Load order matters: each module needs the symbols of the ones before it.
MODULES="virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci failover net_failover virtio_net button evdev"
for m in $MODULES; do
  f=$(find "$MODDIR" -name "$m.ko" -o -name "$m.ko.xz" | head -1)
  [ -n "$f" ] || fail "module $m not found under $MODDIR"
  case $f in
    *.xz) xz -dc "$f" > "$ROOT/lib/modules/$m.ko" ;;
    *) cp "$f" "$ROOT/lib/modules/$m.ko" ;;
  esac
done
printf '#!/bin/sh\npoweroff -f\n' > "$ROOT/etc/acpi/PWRF/00000080"
chmod +x "$ROOT/etc/acpi/PWRF/00000080"
cat > "$ROOT/init" <<INIT
#!/bin/busybox sh
# PID 1 of the deploybench VM (written by scripts/build-vm.sh).
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev; mount -t tmpfs tmp /tmp
for m in $MODULES; do insmod /lib/modules/\$m.ko 2>/dev/null; done
PORT=8080 PRESET=tiny PRECISION=int8 THREADS=1 BATCH=8
for a in \$(cat /proc/cmdline); do
  case \$a in
    dbport=*) PORT=\${a#dbport=} ;;
    dbpreset=*) PRESET=\${a#dbpreset=} ;;
    dbprecision=*) PRECISION=\${a#dbprecision=} ;;
    dbthreads=*) THREADS=\${a#dbthreads=} ;;
    dbbatch=*) BATCH=\${a#dbbatch=} ;;
  esac
done
ip link set lo up
ip link set eth0 up
ip addr add 10.0.2.15/24 dev eth0   # qemu user-mode networking (slirp) defaults
ip route add default via 10.0.2.2
acpid -c /etc/acpi -l /tmp/acpid.log -p /tmp/acpid.pid
/refbot serve --host 0.0.0.0 --port \$PORT --preset \$PRESET --precision \$PRECISION \\
  --threads \$THREADS --max-batch \$BATCH > /dev/console 2>&1 &
echo "DEPLOYBENCH-VM-READY uptime=\$(cut -d' ' -f1 /proc/uptime) nproc=\$(nproc)" > /dev/console
trap 'poweroff -f' TERM INT
while :; do sleep 3600; done
INIT
chmod +x "$ROOT/init"
mkdir -p "$(dirname "$OUT")"
TMP="$OUT.tmp.$$"
( cd "$ROOT" && find . | cpio -o -H newc --quiet | gzip -1 ) > "$TMP"
mv -f "$TMP" "$OUT"
echo "$OUT"
