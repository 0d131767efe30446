/** The echo unikernel: answers ping and echoes UDP on port 7, on the direct stack. */
module echo {
    requires transitive mirage.net;

    exports echo;
}
