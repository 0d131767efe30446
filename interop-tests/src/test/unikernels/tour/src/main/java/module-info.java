/** A tour of mirage.link's store and TLS devices, booted by interop-tests' DeviceTourTest. */
module tour {
    requires mirage.net;
    requires mirage.tls;
    requires mirage.time;
    requires mirage.kv;
    requires mirage.block;
    requires mirage.gitstore;

    exports tour;
}
