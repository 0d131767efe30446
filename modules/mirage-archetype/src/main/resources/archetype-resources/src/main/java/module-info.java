/** The ${artifactId} unikernel: says hello a number of times, a second apart. */
module ${package} {
    requires transitive mirage.time;
    // the description (Config) only: the link tool runs it; the image does not hold mirage.link
    requires static mirage.link;

    exports ${package};
}
