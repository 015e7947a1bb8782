package io.featureduck.dataplane.config;

/** The release of this data plane, as the CLI prints it and Feast's {@code GetFeastServingInfo} answers it. */
public final class Version {
    public static final String CURRENT = "0.1.0";

    private Version() {}
}
