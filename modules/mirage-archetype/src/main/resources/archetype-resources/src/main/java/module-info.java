/** The ${artifactId} unikernel: says hello a number of times, a second apart. */
module ${package} {
    requires transitive mirage.time;

    exports ${package};
}
