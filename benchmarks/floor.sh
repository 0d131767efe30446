# shellcheck shell=bash
# Shared by start-time.sh and image-size.sh (sourced): the floor, a jlinked java.base with one
# module hello.floor, linked with the same jlink profile as the images it is compared with.
#
#   read_profile FILE    sets the arrays jlink_opts and jvm_opts from a jlink-profiles/ file
#                        (jvm options are baked in with --add-options, as the link tool does)
#   link_floor PROFILE WORK OUT
#                        compiles hello.floor under WORK and links it to OUT with PROFILE's
#                        options, with the launchers bin/hello (prints "hello" and exits) and
#                        bin/idle (prints "ready", then sleeps until killed); needs JAVA_HOME (JDK 25)

read_profile() {
  local profile=$1 line value
  jlink_opts=()
  jvm_opts=()
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
}

link_floor() {
  local profile=$1 work=$2 out=$3 src=$2/src/hello.floor
  read_profile "$profile" || return
  mkdir -p "$src/hello/floor"
  cat > "$src/module-info.java" <<'JAVA'
module hello.floor {}
JAVA
  cat > "$src/hello/floor/Hello.java" <<'JAVA'
package hello.floor;

public final class Hello {
    public static void main(String[] args) {
        System.out.println("hello");
    }
}
JAVA
  cat > "$src/hello/floor/Idle.java" <<'JAVA'
package hello.floor;

public final class Idle {
    public static void main(String[] args) throws InterruptedException {
        System.out.println("ready");
        Thread.sleep(Long.MAX_VALUE);
    }
}
JAVA
  "$JAVA_HOME/bin/javac" --release 25 -d "$work/classes" "$src/module-info.java" "$src/hello/floor/Hello.java" \
    "$src/hello/floor/Idle.java"
  "$JAVA_HOME/bin/jlink" --module-path "$work/classes" --add-modules hello.floor \
    --launcher hello=hello.floor/hello.floor.Hello --launcher idle=hello.floor/hello.floor.Idle \
    "${jlink_opts[@]}" --output "$out"
}
