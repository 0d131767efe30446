package mirage.link.internal.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mirage.core.spi.DeviceKind;
import mirage.core.spi.Manifest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quicktheories.core.Gen;

/**
 * The generated launcher, run by bash with a fake QEMU that records its arguments and plays
 * the guest's part (the exit-status line, QEMU's own exit code).
 */
class LauncherTest {
    static final Manifest DEVICES = new Manifest(List.of(new Manifest.Entry("service", DeviceKind.NET_BASIC),
            new Manifest.Entry("storage", DeviceKind.BLOCK_BASIC), new Manifest.Entry("peer-2", DeviceKind.NET_BASIC)));
    static final String FAKE = """
            #!/usr/bin/env bash
            : > "$FAKE_OUT"
            for a in "$@"; do printf '%s\\0' "$a" >> "$FAKE_OUT"; done
            for a in "$@"; do case $a in file,id=exit,path=*) p=${a#file,id=exit,path=}; p=${p//,,/,} ;; esac; done
            [ -z "${FAKE_STATUS:-}" ] || printf 'mirage-exit %s\\r\\n' "$FAKE_STATUS" > "$p"
            exit "${FAKE_RC:-0}"
            """;

    @TempDir
    static Path dir;
    static Path image;
    static Path none;
    static Path disk;

    @BeforeAll
    static void images() throws IOException {
        image = image("devices", DEVICES);
        none = image("none", Manifest.EMPTY);
        Files.writeString(dir.resolve("qemu"), FAKE).toFile().setExecutable(true);
        disk = Files.write(dir.resolve("disk,1.img"), new byte[4096]);
    }

    static Path image(String name, Manifest m) throws IOException {
        Path bin = Files.createDirectories(dir.resolve(name).resolve("bin"));
        Files.writeString(bin.resolve(name), Launcher.script(name, m)).toFile().setExecutable(true);
        return bin.resolve(name);
    }

    record Run(int exit, String err, List<String> qemu) {
        String append() {
            return qemu.get(qemu.indexOf("-append") + 1);
        }

        boolean has(String... seq) {
            return java.util.Collections.indexOfSubList(qemu, List.of(seq)) >= 0;
        }

        String after(String option, String prefix) {
            for (int i = 0; i < qemu.size() - 1; i++) {
                if (qemu.get(i).equals(option) && qemu.get(i + 1).startsWith(prefix)) {
                    return qemu.get(i + 1);
                }
            }
            throw new AssertionError("no " + option + " " + prefix + "... in " + qemu);
        }
    }

    static Run run(Path launcher, Map<String, String> env, String... args) {
        try {
            Path out = Files.createTempFile(dir, "qemu", ".args");
            Files.delete(out);
            List<String> command = new ArrayList<>(List.of(launcher.toString()));
            command.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            Map<String, String> e = pb.environment();
            e.remove("MIRAGE_KERNEL_LOG");
            e.put("MIRAGE_QEMU", dir.resolve("qemu").toString());
            e.put("MIRAGE_ACCEL", "tcg");
            e.put("FAKE_OUT", out.toString());
            e.putAll(env);
            Process p = pb.start();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("the launcher did not finish");
            }
            List<String> qemu = List.of();
            if (Files.exists(out)) {
                String recorded = Files.readString(out, StandardCharsets.UTF_8);
                qemu = recorded.isEmpty() ? List.of() : List.of(recorded.substring(0, recorded.length() - 1).split("\0", -1));
            }
            return new Run(p.exitValue(), err, qemu);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    static Map<String, String> status(int s) {
        return Map.of("FAKE_STATUS", Integer.toString(s));
    }

    @Test
    void devices_map_to_qemu_cards_and_disks_in_manifest_order_whatever_order_they_are_bound_in() {
        Run r = run(image, status(0), "--count=3", "--net:peer-2=unix:/run/a,b.sock", "--block:storage=" + disk,
                "--net:service=tap7", "--net-mac:service=02:00:00:00:00:01");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.has("-netdev", "tap,id=service,ifname=tap7,script=no,downscript=no"), r.qemu().toString());
        assertTrue(r.has("-device", "virtio-net-pci,netdev=service,addr=4,mac=02:00:00:00:00:01"), r.qemu().toString());
        assertTrue(r.has("-drive", "file=" + disk.toString().replace(",", ",,") + ",format=raw,if=none,id=storage,cache=writeback",
                "-device", "virtio-blk-pci,drive=storage,addr=5"), r.qemu().toString());
        assertTrue(r.has("-netdev", "stream,id=peer-2,server=off,addr.type=unix,addr.path=/run/a,,b.sock"), r.qemu().toString());
        String peerCard = r.after("-device", "virtio-net-pci,netdev=peer-2,addr=6,mac=");
        String peerMac = peerCard.substring(peerCard.lastIndexOf('=') + 1);
        assertTrue(peerMac.matches("02(:[0-9a-f]{2}){5}"), "a random locally administered MAC: " + peerMac);
        assertEquals(List.of("@/mirage/java.args", "--net:service=if:eth0", "--net-mac:service=02:00:00:00:00:01",
                "--block:storage=/dev/vda", "--net:peer-2=if:eth1", "--net-mac:peer-2=" + peerMac, "--count=3"),
                KernelCommandLine.initArguments(r.append()));
        assertTrue(r.append().startsWith("console=ttyS0 quiet loglevel=0 panic=-1 ipv6.disable=1 LC_CTYPE=C.UTF-8 rdinit=/bin/java -- "), r.append());
        assertTrue(r.has("-kernel", image.getParent().getParent().resolve("vmlinux").toString(), "-initrd",
                image.getParent().getParent().resolve("initramfs.cpio").toString()), r.qemu().toString());
        assertTrue(r.has("-accel", "tcg,thread=multi", "-cpu", "max"), r.qemu().toString());
        assertTrue(r.has("-no-reboot") && r.has("-nodefaults"), r.qemu().toString());
    }

    @Test
    void the_unikernels_exit_status_comes_from_the_status_port_and_qemus_own_failure_is_passed_on() {
        assertEquals(63, run(none, status(63)).exit());
        assertEquals(64, run(none, Map.of("FAKE_STATUS", "64", "FAKE_RC", "0")).exit());
        Run failed = run(none, Map.of("FAKE_RC", "3"));
        assertEquals(3, failed.exit());
        Run silent = run(none, Map.of());
        assertEquals(1, silent.exit());
        assertEquals("none: the microVM stopped without the unikernel's exit status (MIRAGE_KERNEL_LOG=1 shows the kernel's messages)\n",
                silent.err());
    }

    @Test
    void a_missing_or_odd_sized_disk_is_refused_before_qemu_starts_as_the_process_target_refuses_it() throws IOException {
        Run r = run(image, status(0), "--block:storage=" + dir.resolve("nope.img"));
        assertEquals(64, r.exit());
        assertEquals(List.of(), r.qemu());
        assertEquals("devices: cannot attach --block:storage: " + dir.resolve("nope.img") + " does not exist (create it first, e.g."
                + " truncate -s 64M " + dir.resolve("nope.img") + ")\n", r.err());
        Path odd = Files.write(dir.resolve("odd.img"), new byte[1000]);
        r = run(image, status(0), "--block:storage=" + odd);
        assertEquals(64, r.exit());
        assertEquals("devices: cannot attach --block:storage: the size of " + odd + " (1000 bytes) is not a positive multiple of 512\n",
                r.err());
    }

    @Test
    void repeated_malformed_and_unknown_bindings_go_to_the_guest_which_refuses_them() {
        Run r = run(image, status(64), "--net:service=tap1", "--net:service=tap2", "--net-mac:service=zz", "--block:other=x",
                "--net:storage=tap3");
        assertEquals(64, r.exit());
        List<String> init = KernelCommandLine.initArguments(r.append());
        assertTrue(init.containsAll(List.of("--net:service=if:eth0", "--net-mac:service=zz", "--net:service=tap2",
                "--block:other=x", "--net:storage=tap3")), init.toString());
        assertFalse(r.after("-device", "virtio-net-pci,netdev=service").contains("zz"), "QEMU gets a MAC it accepts");
        assertEquals(1, r.qemu().stream().filter(a -> a.startsWith("tap,")).count(), r.qemu().toString());
    }

    @Test
    void what_the_kernel_cannot_carry_is_refused_in_one_line() {
        Run quote = run(none, status(0), "--hello=say \"hi\"");
        assertEquals(64, quote.exit());
        assertEquals("none: cannot pass '--hello=say \"hi\"' on the kernel command line: it holds a double quote or a newline\n",
                quote.err());
        Run dashes = run(none, status(0), "--count=1", "--", "x");
        assertEquals(64, dashes.exit());
        assertEquals("none: cannot pass a second -- on the kernel command line: the kernel drops it and what follows\n", dashes.err());
        String[] many = new String[31];
        java.util.Arrays.fill(many, "--x");
        assertEquals(64, run(none, status(0), many).exit());
        assertEquals(64, run(none, status(0), "--x=" + "y".repeat(2000)).exit());
        assertEquals(0, run(none, status(0), java.util.Arrays.copyOf(many, 30)).exit(), "30 arguments fit");
    }

    @Test
    void the_kernel_log_switch_and_the_kvm_accelerator() {
        Run log = run(none, Map.of("FAKE_STATUS", "0", "MIRAGE_KERNEL_LOG", "1", "MIRAGE_ACCEL", "kvm"));
        assertFalse(log.append().contains("quiet"), log.append());
        assertFalse(log.append().contains("ipv6.disable"), "no network card, nothing to keep quiet: " + log.append());
        assertTrue(log.has("-accel", "kvm", "-cpu", "host"), log.qemu().toString());
        Run bad = run(none, Map.of("MIRAGE_ACCEL", "hvf"));
        assertEquals(1, bad.exit());
        assertEquals("none: MIRAGE_ACCEL must be kvm or tcg, not 'hvf'\n", bad.err());
    }

    @Test
    void without_qemu_the_launcher_says_what_to_install() {
        Run r = run(none, Map.of("MIRAGE_QEMU", "no-such-qemu-here"));
        assertEquals(1, r.exit());
        assertEquals("none: no no-such-qemu-here to boot the microVM: install QEMU (Debian: apt-get install qemu-system-x86)\n", r.err());
    }

    /** Characters the kernel treats specially (blanks, 0xa0 inside UTF-8) and shell-special ones. */
    static Gen<String> words() {
        String alphabet = "ab=-_ .,:/\t\\'$*?[]~!#&;|<>(){}`à€ é";
        return lists().of(integers().between(0, alphabet.length() - 1)).ofSizeBetween(0, 12)
                .map(ix -> {
                    StringBuilder b = new StringBuilder();
                    ix.forEach(i -> b.append(alphabet.charAt(i)));
                    return b.toString();
                });
    }

    @Test
    void every_argument_reaches_init_as_it_was_given() {
        qt().withExamples(40).forAll(lists().of(words()).ofSizeBetween(0, 8)).checkAssert(args -> {
            List<String> given = args.stream().filter(a -> !a.equals("--")).toList();
            Run r = run(none, status(0), given.toArray(String[]::new));
            assertEquals(0, r.exit(), r.err());
            List<String> expected = new ArrayList<>(List.of("@/mirage/java.args"));
            expected.addAll(given);
            assertEquals(expected, KernelCommandLine.initArguments(r.append()), r.append());
        });
    }

    @Test
    void the_model_reads_quoted_words_and_values_as_the_kernel_does() {
        assertEquals(List.of("a b", "--x=c d", "--y=e f", "", "g"),
                KernelCommandLine.initArguments("console=ttyS0 -- \"a b\" \"--x=c d\" --y=\"e f\" \"\" g -- h"));
    }

    @Test
    void the_firecracker_configuration_names_each_device_and_passes_the_guest_bindings() {
        String json = Launcher.firecracker(DEVICES);
        assertTrue(json.contains("\"kernel_image_path\": \"vmlinux\""), json);
        assertTrue(json.contains("\"initrd_path\": \"initramfs.cpio\""), json);
        assertTrue(json.contains("\"boot_args\": \"console=ttyS0 reboot=k quiet loglevel=0 panic=-1 ipv6.disable=1 LC_CTYPE=C.UTF-8 rdinit=/bin/java"
                + " -- @/mirage/java.args --net:service=if:eth0 --net-mac:service=06:00:00:00:00:01 --block:storage=/dev/vda"
                + " --net:peer-2=if:eth1 --net-mac:peer-2=06:00:00:00:00:03\""), json);
        assertTrue(json.contains("{\"drive_id\": \"storage\", \"path_on_host\": \"storage.img\", \"is_root_device\": false,"
                + " \"is_read_only\": false}"), json);
        assertTrue(json.contains("{\"iface_id\": \"service\", \"host_dev_name\": \"tap0\", \"guest_mac\": \"06:00:00:00:00:01\"}"), json);
        assertTrue(json.contains("\"machine-config\": {\"vcpu_count\": 2, \"mem_size_mib\": 512}"), json);
        assertEquals(List.of("a", "z", "aa", "az", "ba", "zz", "aaa"), List.of(Launcher.diskLetters(0), Launcher.diskLetters(25),
                Launcher.diskLetters(26), Launcher.diskLetters(51), Launcher.diskLetters(52), Launcher.diskLetters(701),
                Launcher.diskLetters(702)));
    }
}
