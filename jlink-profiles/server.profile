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
