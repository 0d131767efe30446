# mirage jlink profile "debug": an image a debugger attaches to. Debug information is kept
# (no --strip-debug: line numbers and local variables), the JDWP agent and JFR are linked in,
# and every class is kept (dce: off), so that what a debugger or a JFR recording names exists.
# No AOT cache. Attach with: bin/java -agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=127.0.0.1:5005 ...
# or start the launcher with JLINK_VM_OPTIONS set to that option.
#
# Format: one setting a line, '#' starts a comment (see minimal.profile).

jlink: --no-header-files
jlink: --no-man-pages
jlink: --compress=zip-6
jlink: --dedup-legal-notices=error-if-not-same-content

module: jdk.jdwp.agent
module: jdk.jfr
dce: off

# Serial GC and small stacks as minimal; C2 on (a debugging session runs long).
jvm: -XX:+UseSerialGC
jvm: -Xss256k
jvm: -XX:MaxRAMPercentage=25
# Virtual threads' socket I/O polled by platform threads (the JDK's SYSTEM_THREADS mode, its
# default where continuations are not supported; a reader and a writer below 8 CPUs) instead
# of pollers that are virtual threads themselves: their start at the first blocking socket
# call spins method-handle classes that no AOT cache holds, on the way to a host-stack
# unikernel's first answer (docs/decisions/0077).
jvm: -Djdk.pollerMode=1
