package io.featureduck.crds;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** How a data plane authenticates its clients ({@code spec.dataPlane.auth.type}); there is no default. */
public enum AuthType {
    /** Static tokens from a Secret. */
    BEARER("bearer"),
    /** The caller's Kubernetes token, checked with TokenReview; each view decided by SubjectAccessReview. */
    KUBERNETES("kubernetes"),
    /** An open endpoint, chosen explicitly. */
    NONE("none");

    private final String wireName;

    AuthType(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static AuthType fromWireName(String name) {
        return WireNames.parse(AuthType.class, name, AuthType::wireName, "authentication type");
    }
}
