/** The echo unikernel: ping, UDP and TCP echo, HTTP and HTTPS, on the direct stack or the host's sockets. */
module echo {
    requires transitive mirage.net;
    requires transitive mirage.http;
    requires transitive mirage.tls;
    requires transitive mirage.time;

    exports echo;
}
