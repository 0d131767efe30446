#!/usr/bin/env bash
# Boots a microVM whose PID 1 is init.c under QEMU with a virtio-net NIC on a TAP in a network
# namespace, and prints what an AF_PACKET socket in the guest receives (docs/decisions/0032).
#
# Usage: benchmarks/virtio-packet-probe/run.sh [KERNEL_DEB]   (as root; gcc, qemu-system-x86)
#   KERNEL_DEB  a Debian kernel package to boot (default: apt-get download linux-image-cloud-amd64)
# QEMU runs with TCG (nested KVM here failed on an emulation error); QEMU_EXTRA adds options, for
# example QEMU_EXTRA='-global virtio-net-pci.guest_tso4=off' to see the guest without receive offloads.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[ "$(id -u)" = 0 ] || { echo "virtio-packet-probe: needs root (namespace, TAP)" >&2; exit 2; }
work=$(mktemp -d); ns=mvpp$$
cleanup() { ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null || true; ip netns del "$ns" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
deb=${1:-}
if [ -z "$deb" ]; then (cd "$work" && apt-get download -q linux-image-cloud-amd64 >/dev/null); deb=$(ls "$work"/*.deb | head -1); fi
dpkg-deb -x "$deb" "$work/k"
if ! ls "$work"/k/boot/vmlinuz-* >/dev/null 2>&1; then # the meta-package: fetch the image it depends on
  dep=$(dpkg-deb -f "$deb" Depends | tr ',' '\n' | grep -o 'linux-image-[^ ]*' | head -1)
  (cd "$work" && apt-get download -q "$dep" >/dev/null); dpkg-deb -x "$(ls "$work"/"$dep"*.deb | head -1)" "$work/k"
fi
kernel=$(ls "$work"/k/boot/vmlinuz-* | head -1)
mods=$(ls -d "$work"/k/lib/modules/*/kernel)
mkdir -p "$work/root/mods" "$work/root/dev"
gcc -static -O1 -o "$work/root/init" "$here/init.c"
for m in drivers/virtio/virtio drivers/virtio/virtio_ring drivers/virtio/virtio_pci_modern_dev \
    drivers/virtio/virtio_pci_legacy_dev drivers/virtio/virtio_pci net/core/failover drivers/net/net_failover drivers/net/virtio_net; do
  cp "$mods/$m.ko" "$work/root/mods/"
done
mknod "$work/root/dev/console" c 5 1
(cd "$work/root" && find . | cpio -o -H newc 2>/dev/null > "$work/init.cpio")
ip netns add "$ns"
ip -n "$ns" tuntap add tapv mode tap
ip -n "$ns" addr add 10.94.0.1/24 dev tapv; ip -n "$ns" link set tapv up
ip -n "$ns" neigh add 10.94.0.2 lladdr 02:11:22:33:44:55 dev tapv # the MAC the probe's phases 1-2 watch
ip netns exec "$ns" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1
# shellcheck disable=SC2086
ip netns exec "$ns" qemu-system-x86_64 -M pc -accel tcg -smp 2 -m 256 -nographic -no-reboot -kernel "$kernel" \
  -initrd "$work/init.cpio" -append "console=ttyS0 quiet panic=-1" \
  -netdev tap,id=n0,ifname=tapv,script=no,downscript=no,vnet_hdr=on -device virtio-net-pci,netdev=n0,mac=52:54:00:12:34:56 \
  ${QEMU_EXTRA:-} > "$work/console.log" 2>&1 &
qemu=$!
ip netns exec "$ns" ping -i 0.3 -W 1 -c 200 10.94.0.2 > /dev/null 2>&1 &
for _ in $(seq 1 600); do grep -q PHASE3 "$work/console.log" && break; sleep 0.1; done
sleep 0.5
ip netns exec "$ns" python3 -c '
import socket
s = socket.create_connection(("10.94.0.3", 5001), timeout=30)
s.sendall(bytes(4_000_000)); s.close()'
wait "$qemu" || true
grep -a 'probe:' "$work/console.log" | sed 's/^.*probe:/probe:/'
