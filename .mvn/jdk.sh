# Finds a JDK 25 or newer and exports JAVA_HOME to it; sourced by ./mvnw and ./mirage.
# Looks at MIRAGE_JAVA_HOME, then JAVA_HOME, then every JDK under /usr/lib/jvm (MIRAGE_JVM_DIR).
# With none found it prints one line saying what to install and exits 1.
mirage_jdk_major() {
  [ -x "$1/bin/java" ] && [ -x "$1/bin/jlink" ] && [ -f "$1/release" ] || return 1
  sed -n 's/^JAVA_VERSION="\([0-9][0-9]*\).*/\1/p' "$1/release"
}
mirage_find_jdk() {
  for candidate in "${MIRAGE_JAVA_HOME:-}" "${JAVA_HOME:-}" "${MIRAGE_JVM_DIR:-/usr/lib/jvm}"/*; do
    [ -n "$candidate" ] || continue
    major=$(mirage_jdk_major "$candidate") || continue
    if [ -n "$major" ] && [ "$major" -ge 25 ]; then
      JAVA_HOME=$candidate
      export JAVA_HOME
      return 0
    fi
  done
  echo "mirage: no JDK 25 found (looked at \$MIRAGE_JAVA_HOME, \$JAVA_HOME and ${MIRAGE_JVM_DIR:-/usr/lib/jvm}): install a JDK 25 or newer (e.g. Temurin 25, package temurin-25-jdk from Adoptium's apt repository) under /usr/lib/jvm, or set MIRAGE_JAVA_HOME" >&2
  exit 1
}
mirage_find_jdk
