# Sourced by the benchmarks: the floor every start-up is compared with, a jlinked java.base
# hello world (one class printing "hello") linked with a jlink profile's options.
#
#   link_floor PROFILE WORK OUT   compiles into WORK, links the floor into OUT (bin/hello its launcher)
# Needs JAVA_HOME (a JDK 25, as .mvn/jdk.sh finds it).

link_floor() {
  local profile=$1 work=$2 out=$3 line value src
  local jlink_opts=() jvm_opts=()
  while IFS= read -r line || [ -n "$line" ]; do
    line=${line%%#*}
    line=$(printf '%s' "$line" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//')
    [ -n "$line" ] || continue
    value=$(printf '%s' "${line#*:}" | sed 's/^[[:space:]]*//')
    case $line in
      jlink:*) jlink_opts+=("$value") ;;
      jvm:*) jvm_opts+=("$value") ;;
      *) echo "floor: $profile: cannot read line '$line'" >&2; return 2 ;;
    esac
  done < "$profile"
  if [ ${#jvm_opts[@]} -gt 0 ]; then
    jlink_opts+=("--add-options=${jvm_opts[*]}")
  fi
  src=$work/src/hello.floor
  mkdir -p "$src/hello/floor"
  echo 'module hello.floor {}' > "$src/module-info.java"
  cat > "$src/hello/floor/Hello.java" <<'JAVA'
package hello.floor;

public final class Hello {
    public static void main(String[] args) {
        System.out.println("hello");
    }
}
JAVA
  "$JAVA_HOME/bin/javac" --release 25 -d "$work/classes" "$src/module-info.java" "$src/hello/floor/Hello.java"
  "$JAVA_HOME/bin/jlink" --module-path "$work/classes" --add-modules hello.floor \
    --launcher hello=hello.floor/hello.floor.Hello "${jlink_opts[@]}" --output "$out"
}
