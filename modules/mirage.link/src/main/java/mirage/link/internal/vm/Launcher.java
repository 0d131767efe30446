package mirage.link.internal.vm;

import java.util.ArrayList;
import java.util.List;
import mirage.core.spi.DeviceKind;
import mirage.core.spi.Manifest;

/**
 * How a microVM image is started: the kernel command line, the QEMU launcher script
 * ({@code bin/NAME}, plain bash, so that the image runs on a host with QEMU and no JDK), and a
 * Firecracker VM configuration.
 *
 * <p>Devices map to the hypervisor's in manifest order: the k-th {@code NET_BASIC} device is a
 * {@code virtio-net-pci} card the guest sees as {@code ethk} and binds with
 * {@code --net:NAME=if:ethk} (an {@code AF_PACKET} socket, its MAC given to card and stack
 * alike); the k-th {@code BLOCK_BASIC} device is a {@code virtio-blk-pci} disk, {@code /dev/vdX}
 * in the guest ({@code --block:NAME=/dev/vdX}). Each device has a fixed PCI slot,
 * {@value #FIRST_SLOT} + its manifest index, so that the guest's names never depend on the
 * order the host's arguments come in.
 *
 * <p>The unikernel's exit status comes back on the guest's second serial port, {@code ttyS1}, as
 * a line {@code mirage-exit N}, which the launcher reads from a file when QEMU ends.
 */
public final class Launcher {
    /** The PCI slot of the manifest's first device; slots 0-1 hold the host bridge and the PIIX3. */
    static final int FIRST_SLOT = 4;
    /** Devices that fit on PCI bus 0 from {@link #FIRST_SLOT}. */
    static final int MAX_DEVICES = 32 - FIRST_SLOT;
    /** Memory and vCPUs unless the environment says otherwise. */
    static final String MEMORY = "512M";
    static final int CPUS = 2;

    private Launcher() {}

    /** How one manifest device appears in the guest. */
    record GuestDevice(int handle, String name, DeviceKind kind, String guestBinding) {
        /** The bash variable the launcher keeps its binding in ({@code dev3}): device names may hold '-'. */
        String var() {
            return "dev" + handle;
        }

        int slot() {
            return FIRST_SLOT + handle;
        }
    }

    static List<GuestDevice> devices(Manifest manifest) {
        if (manifest.devices().size() > MAX_DEVICES) {
            throw new IllegalArgumentException("the virtio target gives each device a PCI slot: at most " + MAX_DEVICES
                    + " devices, not " + manifest.devices().size());
        }
        List<GuestDevice> out = new ArrayList<>();
        int nics = 0;
        int disks = 0;
        for (int h = 0; h < manifest.devices().size(); h++) {
            Manifest.Entry e = manifest.devices().get(h);
            String binding = e.kind() == DeviceKind.NET_BASIC ? "if:eth" + nics++ : "/dev/vd" + diskLetters(disks++);
            out.add(new GuestDevice(h, e.name(), e.kind(), binding));
        }
        return out;
    }

    /** The kernel's disk suffix for the {@code i}-th virtio disk: a..z, aa..zz, aaa... */
    static String diskLetters(int i) {
        StringBuilder b = new StringBuilder();
        for (int n = i + 1; n > 0; n = (n - 1) / 26) {
            b.insert(0, (char) ('a' + (n - 1) % 26));
        }
        return b.toString();
    }

    /**
     * The kernel command line's words before the unikernel's arguments: serial console, no
     * kernel chatter, a panic that reboots (which ends the hypervisor: {@code -no-reboot}), no
     * IPv6 on the guest's own interfaces (it holds no address), a UTF-8 locale, and
     * {@code /bin/java} as init with the image's argument file. The unikernel's arguments follow.
     */
    static List<String> kernelWords(Manifest manifest, boolean quiet) {
        List<String> w = new ArrayList<>(List.of("console=ttyS0"));
        if (quiet) {
            w.addAll(List.of("quiet", "loglevel=0"));
        }
        w.add("panic=-1");
        if (manifest.devices().stream().anyMatch(e -> e.kind() == DeviceKind.NET_BASIC)) {
            w.add("ipv6.disable=1");
        }
        // init's environment (a word with '=' the kernel does not know): the JVM decodes its
        // arguments and encodes its console in UTF-8 (the C.UTF-8 character map, Initramfs.LOCALE)
        w.addAll(List.of("LC_CTYPE=C.UTF-8", "rdinit=/bin/java", "--", "@/" + Initramfs.JAVA_ARGS));
        return w;
    }

    /** The launcher script for image {@code name}. */
    static String script(String name, Manifest manifest) {
        List<GuestDevice> devices = devices(manifest);
        StringBuilder usage = new StringBuilder();
        StringBuilder vars = new StringBuilder();
        StringBuilder cases = new StringBuilder();
        StringBuilder attach = new StringBuilder();
        for (GuestDevice d : devices) {
            String v = d.var();
            if (d.kind() == DeviceKind.NET_BASIC) {
                usage.append("#   --net:").append(d.name()).append("=IFACE|unix:PATH   a TAP (created if missing) or a framed stream socket\n")
                        .append("#   --net-mac:").append(d.name()).append("=MAC   --net-mtu:").append(d.name()).append("=N\n");
                vars.append(v).append("= ").append(v).append("_mac= ").append(v).append("_mtu=\n");
                cases.append("      --net:").append(d.name()).append("=?*) [ -n \"$").append(v).append("\" ] || { ").append(v)
                        .append("=${a#*=}; continue; } ;;\n");
                cases.append("      --net-mac:").append(d.name()).append("=?*) [ -n \"$").append(v).append("_mac\" ] || { ").append(v)
                        .append("_mac=${a#*=}; continue; } ;;\n");
                cases.append("      --net-mtu:").append(d.name()).append("=?*) [ -n \"$").append(v).append("_mtu\" ] || ").append(v)
                        .append("_mtu=${a#*=} ;;\n");
                attach.append("if [ -n \"$").append(v).append("\" ]; then\n")
                        .append("  attach_net ").append(d.name()).append(' ').append(d.slot()).append(' ').append(d.guestBinding())
                        .append(" \"$").append(v).append("\" \"$").append(v).append("_mac\" \"$").append(v).append("_mtu\"\n")
                        .append("elif [ -n \"$").append(v).append("_mac\" ]; then\n")
                        .append("  guest+=(\"--net-mac:").append(d.name()).append("=$").append(v).append("_mac\")\n")
                        .append("fi\n");
            } else {
                usage.append("#   --block:").append(d.name()).append("=FILE   an existing file of 512-byte sectors, as a virtio disk\n");
                vars.append(v).append("=\n");
                cases.append("      --block:").append(d.name()).append("=?*) [ -n \"$").append(v).append("\" ] || { ").append(v)
                        .append("=${a#*=}; continue; } ;;\n");
                attach.append("[ -z \"$").append(v).append("\" ] || attach_block ").append(d.name()).append(' ').append(d.slot())
                        .append(' ').append(d.guestBinding()).append(" \"$").append(v).append("\"\n");
            }
        }
        if (usage.isEmpty()) {
            usage.append("#   (this unikernel has no devices)\n");
        }
        String words = String.join(" ", kernelWords(manifest, false));
        String quietWords = String.join(" ", kernelWords(manifest, true));
        return TEMPLATE
                .replace("@NAME@", name)
                .replace("@USAGE@", usage.toString())
                .replace("@VARS@", vars.toString())
                .replace("@CASES@", cases.toString())
                .replace("@ATTACH@", attach.toString())
                .replace("@WORDS@", words)
                .replace("@QUIET_WORDS@", quietWords)
                .replace("@MEMORY@", MEMORY)
                .replace("@CPUS@", Integer.toString(CPUS));
    }

    private static final String TEMPLATE = """
            #!/usr/bin/env bash
            # @NAME@: boots the unikernel as a microVM under QEMU (written by mirage build -t virtio).
            #
            # usage: bin/@NAME@ [BINDING...] [ARG...]
            @USAGE@# Every other argument is the unikernel's, as on the process target; the exit status is its.
            # Environment: MIRAGE_QEMU (default qemu-system-x86_64), MIRAGE_ACCEL (kvm or tcg; default
            # kvm when /dev/kvm is usable), MIRAGE_VM_MEMORY (default @MEMORY@), MIRAGE_VM_CPUS (default @CPUS@),
            # MIRAGE_KERNEL_LOG=1 (the kernel's messages on the console too).
            set -u
            LC_ALL=C   # patterns below match bytes, as the kernel reads its command line
            name='@NAME@'
            image=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
            qemu=${MIRAGE_QEMU:-qemu-system-x86_64}
            say() { printf '%s: %s\\n' "$name" "$*" >&2; }
            command -v "$qemu" >/dev/null 2>&1 || {
              say "no $qemu to boot the microVM: install QEMU (Debian: apt-get install qemu-system-x86)"; exit 1; }

            # Device bindings: each device's first binding is the hypervisor's; a repeated or
            # malformed one goes to the guest, which refuses it as the process target would.
            @VARS@args=()
            ended=
            for a in "$@"; do
              if [ -z "$ended" ]; then
                case $a in
            @CASES@      --) ended=1 ;;
                esac
              fi
              args+=("$a")
            done

            devices=()
            guest=()
            qemu_value() { printf '%s' "${1//,/,,}"; }   # QEMU option values double their commas
            random_mac() { printf '02:%02x:%02x:%02x:%02x:%02x' $((RANDOM & 255)) $((RANDOM & 255)) \\
              $((RANDOM & 255)) $((RANDOM & 255)) $((RANDOM & 255)); }
            attach_net() {  # NAME SLOT GUEST_IF VALUE MAC MTU
              local dev=$1 slot=$2 nic=$3 value=$4 mac=$5 mtu=$6 card
              case $value in
                unix:*) devices+=(-netdev "stream,id=$dev,server=off,addr.type=unix,addr.path=$(qemu_value "${value#unix:}")") ;;
                *) devices+=(-netdev "tap,id=$dev,ifname=$(qemu_value "$value"),script=no,downscript=no") ;;
              esac
              card="virtio-net-pci,netdev=$dev,addr=$slot"
              if [[ $mac =~ ^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$ ]]; then
                card+=",mac=$mac"
              elif [ -z "$mac" ]; then
                mac=$(random_mac); card+=",mac=$mac"
              fi
              if [[ $mtu =~ ^[1-9][0-9]{1,4}$ ]] && [ "$mtu" -ge 68 ] && [ "$mtu" -le 65535 ]; then card+=",host_mtu=$mtu"; fi
              devices+=(-device "$card")
              guest+=("--net:$dev=$nic" "--net-mac:$dev=$mac")
            }
            attach_block() {  # NAME SLOT GUEST_DISK FILE
              local dev=$1 slot=$2 disk=$3 file=$4 size
              if [ ! -e "$file" ]; then
                say "cannot attach --block:$dev: $file does not exist (create it first, e.g. truncate -s 64M $file)"; exit 64
              fi
              if [ -d "$file" ]; then say "cannot attach --block:$dev: $file is a directory"; exit 64; fi
              size=$(stat -L -c %s "$file" 2>/dev/null || echo 0)
              if [ -f "$file" ] && { [ "$size" -eq 0 ] || [ $((size % 512)) -ne 0 ]; }; then
                say "cannot attach --block:$dev: the size of $file ($size bytes) is not a positive multiple of 512"; exit 64
              fi
              devices+=(-drive "file=$(qemu_value "$file"),format=raw,if=none,id=$dev,cache=writeback"
                -device "virtio-blk-pci,drive=$dev,addr=$slot")
              guest+=("--block:$dev=$disk")
            }
            @ATTACH@
            # The kernel command line: init's arguments after --, quoted with "..." when they hold
            # anything but plain ASCII (the kernel splits at blanks and, in its ctype, at byte 0xa0).
            # It has no escape for a double quote, and a second bare -- would end init's arguments
            # there: both are refused.
            if [ "${MIRAGE_KERNEL_LOG:-}" = 1 ]; then cmdline='@WORDS@'; else cmdline='@QUIET_WORDS@'; fi
            for w in "${guest[@]}" "${args[@]}"; do
              case $w in
                *'"'*|*$'\\n'*) say "cannot pass '$w' on the kernel command line: it holds a double quote or a newline"; exit 64 ;;
                --) say "cannot pass a second -- on the kernel command line: the kernel drops it and what follows"; exit 64 ;;
                ''|*[!A-Za-z0-9_./:=,@+%-]*) cmdline+=" \\"$w\\"" ;;
                *) cmdline+=" $w" ;;
              esac
            done
            if [ ${#cmdline} -gt 2047 ]; then
              say "the kernel command line would be ${#cmdline} bytes; the kernel takes at most 2047: pass fewer or shorter arguments"; exit 64
            fi
            if [ $((${#guest[@]} + ${#args[@]})) -gt 30 ]; then
              say "the kernel passes init at most 32 arguments: pass at most $((30 - ${#guest[@]})) arguments"; exit 64
            fi

            accel=${MIRAGE_ACCEL:-}
            if [ -z "$accel" ]; then
              # /dev/kvm may be there without hardware virtualization (a PVM host): ask the CPU too
              if [ -r /dev/kvm ] && [ -w /dev/kvm ] && grep -qwE 'vmx|svm' /proc/cpuinfo 2>/dev/null; then accel=kvm; else accel=tcg; fi
            fi
            case $accel in
              kvm) accel_args=(-accel kvm -cpu host) ;;
              tcg) accel_args=(-accel tcg,thread=multi -cpu max) ;;
              *) say "MIRAGE_ACCEL must be kvm or tcg, not '$accel'"; exit 1 ;;
            esac

            status=$(mktemp "${TMPDIR:-/tmp}/$name-exit.XXXXXX") || exit 1
            trap 'rm -f "$status"' EXIT
            "$qemu" -nodefaults -no-user-config -machine pc "${accel_args[@]}" \\
              -smp "${MIRAGE_VM_CPUS:-@CPUS@}" -m "${MIRAGE_VM_MEMORY:-@MEMORY@}" -display none -no-reboot \\
              -chardev stdio,id=console,signal=on -serial chardev:console \\
              -chardev "file,id=exit,path=$(qemu_value "$status")" -serial chardev:exit \\
              -kernel "$image/vmlinux" -initrd "$image/initramfs.cpio" -append "$cmdline" \\
              ${devices[@]+"${devices[@]}"} <&0 &
            vm=$!
            trap 'kill -TERM $vm 2>/dev/null' TERM INT HUP
            while :; do
              wait $vm; rc=$?
              kill -0 $vm 2>/dev/null || break
            done
            code=$(sed -n 's/^mirage-exit \\([0-9][0-9]*\\).*/\\1/p' "$status" | tail -n 1)
            [ -z "$code" ] || exit "$code"
            [ $rc -eq 0 ] || exit $rc
            say "the microVM stopped without the unikernel's exit status (MIRAGE_KERNEL_LOG=1 shows the kernel's messages)"
            exit 1
            """;

    /** Firecracker's VM configuration ({@code firecracker --config-file}), paths relative to the image directory. */
    static String firecracker(Manifest manifest) {
        List<GuestDevice> devices = devices(manifest);
        List<String> words = new ArrayList<>(List.of("console=ttyS0", "reboot=k"));
        words.addAll(kernelWords(manifest, true).subList(1, kernelWords(manifest, true).size()));
        StringBuilder drives = new StringBuilder();
        StringBuilder nics = new StringBuilder();
        for (GuestDevice d : devices) {
            if (d.kind() == DeviceKind.NET_BASIC) {
                String mac = String.format("06:00:00:00:00:%02x", d.handle() + 1);
                words.add("--net:" + d.name() + "=" + d.guestBinding());
                words.add("--net-mac:" + d.name() + "=" + mac);
                nics.append(nics.isEmpty() ? "" : ",\n").append("    {\"iface_id\": \"").append(d.name())
                        .append("\", \"host_dev_name\": \"tap").append(d.handle()).append("\", \"guest_mac\": \"").append(mac).append("\"}");
            } else {
                words.add("--block:" + d.name() + "=" + d.guestBinding());
                drives.append(drives.isEmpty() ? "" : ",\n").append("    {\"drive_id\": \"").append(d.name())
                        .append("\", \"path_on_host\": \"").append(d.name()).append(".img\", \"is_root_device\": false, \"is_read_only\": false}");
            }
        }
        return "{\n"
                + "  \"boot-source\": {\n"
                + "    \"kernel_image_path\": \"vmlinux\",\n"
                + "    \"initrd_path\": \"initramfs.cpio\",\n"
                + "    \"boot_args\": \"" + String.join(" ", words) + "\"\n"
                + "  },\n"
                + "  \"drives\": [" + (drives.isEmpty() ? "" : "\n" + drives + "\n  ") + "],\n"
                + "  \"network-interfaces\": [" + (nics.isEmpty() ? "" : "\n" + nics + "\n  ") + "],\n"
                + "  \"machine-config\": {\"vcpu_count\": " + CPUS + ", \"mem_size_mib\": 512}\n"
                + "}\n";
    }
}
