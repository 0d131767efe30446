/** TLS 1.2 and 1.3 over any {@code Flow}. Not written yet: only the module exists. */
module mirage.tls {
    requires mirage.core;
}
