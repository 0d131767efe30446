/** The hello unikernel: says hello a number of times, a second apart. */
module hello {
    requires transitive mirage.time;

    exports hello;
}
