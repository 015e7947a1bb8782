package io.featureduck.crds;

/**
 * One problem with a resource definition.
 *
 * @param field   path of the offending field, e.g. {@code spec.features[2].type}
 * @param message what is wrong and what is accepted
 */
public record Violation(String field, String message) {
    @Override
    public String toString() {
        return field + ": " + message;
    }
}
