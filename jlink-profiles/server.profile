# mirage jlink profile "server": minimal's image with the C2 compiler on, for a unikernel that
# serves for long (start-up a little slower, steady-state throughput several times higher).
#
# Format: one setting a line, '#' starts a comment (see minimal.profile).
# Measured with benchmarks/http-serve.sh (issue 20, docs/decisions/0030): examples/echo serving
# HTTP keep-alive needs about a third of the CPU per request with C2 than with C1 alone.

jlink: --strip-debug
jlink: --no-header-files
jlink: --no-man-pages
jlink: --compress=zip-9
jlink: --dedup-legal-notices=error-if-not-same-content

# Serial GC, small stacks and heap, no perf-data file, as minimal; tiered compilation up to C2.
jvm: -XX:+UseSerialGC
jvm: -XX:-UsePerfData
jvm: -Xss256k
jvm: -XX:MaxRAMPercentage=25
# Virtual threads' socket I/O polled by platform threads (the JDK's SYSTEM_THREADS mode, its
# default where continuations are not supported; a reader and a writer below 8 CPUs) instead
# of pollers that are virtual threads themselves: their start at the first blocking socket
# call spins method-handle classes that no AOT cache holds, on the way to a host-stack
# unikernel's first answer (docs/decisions/0077).
jvm: -Djdk.pollerMode=1
