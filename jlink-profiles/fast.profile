# mirage jlink profile "fast": minimal's image and JVM settings plus a per-image AOT cache
# (JDK 25, JEP 483/514/515) trained at build time by a run of the unikernel's own boot path
# (docs/decisions/0049). The cache is ~10-17 MB on top of the image, which is why it is not in
# minimal (whose size goal is the floor + 3 MB); it roughly halves the time to the first line.
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

aot: on
