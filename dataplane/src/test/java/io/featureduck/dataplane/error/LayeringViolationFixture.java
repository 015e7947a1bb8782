package io.featureduck.dataplane.error;

/** A class of the lowest package that uses the highest: what {@code ArchitectureTest} must refuse. */
public final class LayeringViolationFixture {
    private LayeringViolationFixture() {}

    public static Class<?> server() {
        return io.featureduck.dataplane.http.DataPlaneServer.class;
    }
}
