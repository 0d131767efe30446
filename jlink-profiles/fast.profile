# mirage jlink profile "fast": minimal's image and JVM settings plus a per-image AOT cache
# (JDK 25, JEP 483/514/515) trained at build time by a run of the unikernel's own boot path
# (docs/decisions/0049), C1's compile thresholds doubled and the interpreter's calls reported
# to the compile policy 8 times less often (below). The cache is ~10-17 MB on
# top of the image, which is why it is not in minimal (whose size goal is the floor + 3 MB); it
# roughly halves the time to the first line.
#
# Format: one setting a line, '#' starts a comment (see minimal.profile).

jlink: --strip-debug
jlink: --no-header-files
jlink: --no-man-pages
jlink: --compress=zip-9
jlink: --dedup-legal-notices=error-if-not-same-content

jvm: -XX:+UseSerialGC
jvm: -XX:TieredStopAtLevel=1
jvm: -XX:-UsePerfData
jvm: -Xss256k
jvm: -XX:MaxRAMPercentage=25
# Virtual threads' socket I/O polled by platform threads (the JDK's SYSTEM_THREADS mode, its
# default where continuations are not supported; a reader and a writer below 8 CPUs) instead
# of pollers that are virtual threads themselves: their start at the first blocking socket
# call spins method-handle classes that no AOT cache holds, on the way to a host-stack
# unikernel's first answer (docs/decisions/0077).
jvm: -Djdk.pollerMode=1
# The first of two settings minimal does not have: C1 compiles a method after twice as many calls and
# loop turns. With the cache, C1's compiler thread is the third runnable thread of a boot on
# two cores (beside the binding thread and the sandbox's link) and took ~40 ms of CPU to a
# host-stack echo's first answer, for code that barely ran before it; doubled, ~30 ms, and
# the first answer came 7-38 ms sooner in every same-run comparison (docs/decisions/0080).
# Not in minimal: the floor the start-up goal is measured against is linked with minimal,
# and this is a start-up trade the fast profile makes (a long-running server reaches its
# compiled code a little later; server and debug keep the JVM's thresholds too).
jvm: -XX:CompileThresholdScaling=2
# The second: the interpreter tells the compile policy about a method's calls every 2^11 calls
# instead of every 2^8 (the JVM's 2^7, doubled above): the 10 below, which the doubling above
# scales to 11 as it scales the default. A method is then compiled after ~2,000 interpreted
# calls at the earliest, a method the training saw compiled too (JDK 25's training data asks
# for its compilation at the first report). A boot with the sandbox runs its link (the
# class-file API), the pre-read and the filter's assembly once each: the training saw ~200 of
# their methods compiled, and C1 compiled them again at every boot, for code that had run its
# course before the compiled code arrived. With this, C1's CPU to echo's first answer was
# ~40 -> 15-20 ms and all threads' 8-31 ms less, loops (counted by back-edges, unchanged) as
# before (docs/decisions/0082). 2^12 took more off (C1 ~12 ms) but made the first HTTPS
# answer ~25% slower (its handshake's code interpreted longer); 2^11 cost it 4-16%. A
# long-running server reaches its compiled code after ~2,000 calls of a method instead of ~400;
# once compiled, nothing differs. The training runs at the JVM's default (AotCache), so the
# cache's record of compiled methods does not depend on this.
jvm: -XX:Tier0InvokeNotifyFreqLog=10

aot: on
