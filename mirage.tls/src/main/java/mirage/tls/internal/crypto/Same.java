package mirage.tls.internal.crypto;

/**
 * A map key that is equal only to a key of the very same object: no {@code equals} or
 * {@code hashCode} of the object is called, so nothing of key material is hashed or compared.
 */
record Same<T>(T object) {
    @Override
    public boolean equals(Object o) {
        return o instanceof Same<?> s && s.object == object;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(object);
    }
}
