package io.featureduck.dataplane.error;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An error as Feast's own servers send it to Feast's clients: the JSON of {@code FeastError.to_error_detail()},
 * {@code {"module": "feast.errors", "class": ..., "message": ...}}, which the clients turn back into that exception
 * class ({@code FeastError.from_error_detail}). Sent as the gRPC status message of the registry protocol and the
 * Arrow Flight error of the offline store protocol, so that a Feast user catches {@code FeatureViewNotFoundException}
 * and reads our message, rather than a bare {@code RpcError}.
 */
public final class FeastErrorDetail {
    private static final ObjectMapper JSON = new ObjectMapper();

    private FeastErrorDetail() {}

    /**
     * The detail for {@code code}, under the Feast exception class that means the same (every class named here exists
     * in {@code feast.errors} of the Feast release the data plane speaks; {@code FeastError} for the rest).
     */
    public static String of(ErrorCode code, String message) {
        return of(feastClass(code), message);
    }

    /** The detail under an explicit Feast exception class of {@code feast.errors}. */
    public static String of(String feastClass, String message) {
        Map<String, String> detail = new LinkedHashMap<>();
        detail.put("module", "feast.errors");
        detail.put("class", feastClass);
        detail.put("message", message);
        try {
            return JSON.writeValueAsString(detail);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("three strings always serialize", e);
        }
    }

    static String feastClass(ErrorCode code) {
        return switch (code) {
            case UNKNOWN_FEATURE_VIEW, VIEW_REFUSED -> "FeatureViewNotFoundException";
            case UNKNOWN_FEATURE_SERVICE, FEATURE_SERVICE_REFUSED -> "FeatureServiceNotFoundException";
            case UNAUTHENTICATED, FORBIDDEN -> "FeastPermissionError";
            case MISSING_REQUEST_DATA -> "RequestDataNotFoundInEntityDfException";
            case METHOD_NOT_ALLOWED -> "ReadOnlyRegistryException";
            default -> "FeastError";
        };
    }
}
