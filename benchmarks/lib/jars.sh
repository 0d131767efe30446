# Sourced by engine-ab.sh and regress: the benchmarks jar of this working tree or of a git
# revision, built offline with only what benchmarks needs (./mvnw -pl benchmarks -am package).
# The caller sets `set -euo pipefail`. On a failed build these print the log's tail and return 1.

# bench_jar_of_tree ROOT DEST LOG: builds ROOT's working tree, copies its jar to DEST.
bench_jar_of_tree() {
    local root=$1 dest=$2 log=$3
    (cd "$root" && ./mvnw -q -B -ntp -o -pl benchmarks -am package -DskipTests >"$log" 2>&1) \
        || { tail -30 "$log" >&2; return 1; }
    cp "$root/benchmarks/target/benchmarks.jar" "$dest"
}

# bench_jar_of_rev ROOT REV DEST WORK LOG: builds revision REV of ROOT's repository from a
# `git archive` export in WORK/src-REV (removed afterwards), copies its jar to DEST. REV '.'
# is the working tree itself (bench_jar_of_tree).
bench_jar_of_rev() {
    local root=$1 rev=$2 dest=$3 work=$4 log=$5
    if [ "$rev" = . ]; then
        bench_jar_of_tree "$root" "$dest" "$log"
        return
    fi
    git -C "$root" rev-parse --verify -q "$rev^{commit}" >/dev/null \
        || { echo "no git revision '$rev'" >&2; return 1; }
    local src
    src="$work/src-$(git -C "$root" rev-parse --short "$rev^{commit}")"
    rm -rf "$src"
    mkdir -p "$src"
    git -C "$root" archive "$rev" | tar -x -C "$src"
    bench_jar_of_tree "$src" "$dest" "$log" || { rm -rf "$src"; return 1; }
    rm -rf "$src"
}

# bench_rev_name ROOT REV: REV as "REV (short hash)", or "working tree (hash, with changes)" for '.'.
bench_rev_name() {
    local root=$1 rev=$2
    if [ "$rev" = . ]; then
        local dirty=
        [ -n "$(git -C "$root" status --porcelain --untracked-files=no)" ] && dirty=", with changes"
        echo "working tree ($(git -C "$root" rev-parse --short HEAD)$dirty)"
    else
        echo "$rev ($(git -C "$root" rev-parse --short "$rev^{commit}"))"
    fi
}
