/** The fetch unikernel: one HTTP GET over the stack, its size and SHA-256 on the console. */
module fetch {
    requires transitive mirage.net;
    requires transitive mirage.http;
    requires transitive mirage.time;

    exports fetch;
}
