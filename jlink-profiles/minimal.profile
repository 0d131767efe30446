# mirage jlink profile "minimal": the smallest image that still starts quickly.
#
# Format: one setting a line, '#' starts a comment.
#   jlink: OPTION   an option given to jlink as it stands (one argument)
#   jvm:   OPTION   a JVM option baked into the image (jlink --add-options)
# Profiles are read by mirage.link (ProfileReader) and by benchmarks/start-time.sh,
# which links its java.base baseline with the same settings.

jlink: --strip-debug
jlink: --no-header-files
jlink: --no-man-pages
jlink: --compress=zip-9
jlink: --dedup-legal-notices=error-if-not-same-content

# One core's worth of JVM: serial GC, C1 only, small stacks and heap, no perf-data file.
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
