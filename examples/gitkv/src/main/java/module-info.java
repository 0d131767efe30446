/** The gitkv unikernel: a versioned key-value store over HTTP, its history served by git. */
module gitkv {
    requires transitive mirage.net;
    requires transitive mirage.http;
    requires transitive mirage.gitstore;
    requires transitive mirage.time;

    exports gitkv;
}
