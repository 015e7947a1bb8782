package io.featureduck.dataplane.storage;

import io.featureduck.crds.ObjectStoreSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Everything needed to open the object stores: the store's options from {@code spec.lakehouse.objectStores} and the
 * credentials found in the environment (which the operator fills from {@code spec.lakehouse.credentialsSecret}).
 * Without credentials in the environment, each SDK's default chain is used: IRSA and instance profiles on AWS,
 * workload and managed identity on Azure, workload identity and metadata-server credentials on Google Cloud.
 *
 * <p>Credential values never leave this class except into an SDK client: {@link #toString()} names only which
 * credentials are set, and {@link #redact} scrubs them out of any message before it is logged or served.
 */
public final class ObjectStoreSettings {
    public static final String AWS_ACCESS_KEY_ID = "AWS_ACCESS_KEY_ID";
    public static final String AWS_SECRET_ACCESS_KEY = "AWS_SECRET_ACCESS_KEY";
    public static final String AWS_SESSION_TOKEN = "AWS_SESSION_TOKEN";
    public static final String AZURE_STORAGE_CONNECTION_STRING = "AZURE_STORAGE_CONNECTION_STRING";
    public static final String AZURE_STORAGE_ACCOUNT_KEY = "AZURE_STORAGE_ACCOUNT_KEY";
    public static final String AZURE_STORAGE_SAS_TOKEN = "AZURE_STORAGE_SAS_TOKEN";
    public static final String GOOGLE_SERVICE_ACCOUNT_JSON = "GOOGLE_SERVICE_ACCOUNT_JSON";
    private static final List<String> SECRET_VARIABLES = List.of(
            AWS_SECRET_ACCESS_KEY,
            AWS_SESSION_TOKEN,
            AZURE_STORAGE_CONNECTION_STRING,
            AZURE_STORAGE_ACCOUNT_KEY,
            AZURE_STORAGE_SAS_TOKEN,
            GOOGLE_SERVICE_ACCOUNT_JSON,
            "AZURE_CLIENT_SECRET");
    /** Signatures and keys as they appear in URLs and connection strings, whoever's they are. */
    private static final Pattern SECRET_PARAMETERS = Pattern.compile(
            "(?i)((?:sig|AccountKey|SharedAccessSignature|X-Amz-Signature|X-Amz-Security-Token|X-Goog-Signature)=)"
                    + "[^&;\\s\"']+");

    private final ObjectStoreSpec options;
    private final Map<String, String> environment;
    private final List<String> secrets;

    public ObjectStoreSettings(ObjectStoreSpec options, Map<String, String> environment) {
        this.options = options == null ? ObjectStoreSpec.none() : options;
        this.environment = Map.copyOf(environment);
        List<String> values = new ArrayList<>();
        for (String variable : SECRET_VARIABLES) {
            variable(variable).filter(v -> v.length() >= 4).ifPresent(values::add);
        }
        this.secrets = List.copyOf(values);
    }

    /** Options only; credentials from each SDK's default chain. */
    public static ObjectStoreSettings defaults() {
        return new ObjectStoreSettings(ObjectStoreSpec.none(), Map.of());
    }

    public Optional<ObjectStoreSpec.S3> s3() {
        return Optional.ofNullable(options.s3());
    }

    public Optional<ObjectStoreSpec.Azure> azure() {
        return Optional.ofNullable(options.azure());
    }

    public Optional<ObjectStoreSpec.Gcs> gcs() {
        return Optional.ofNullable(options.gcs());
    }

    /** A non-blank environment variable. */
    public Optional<String> variable(String name) {
        return Optional.ofNullable(environment.get(name)).map(String::trim).filter(v -> !v.isEmpty());
    }

    /** {@code message} with every credential value and URL signature replaced by {@code ***}. */
    public String redact(String message) {
        if (message == null) {
            return null;
        }
        String result = message;
        for (String secret : secrets) {
            result = result.replace(secret, "***");
        }
        return SECRET_PARAMETERS.matcher(result).replaceAll("$1***");
    }

    @Override
    public String toString() {
        List<String> set = environment.keySet().stream()
                .filter(k -> k.startsWith("AWS_") || k.startsWith("AZURE_") || k.startsWith("GOOGLE_"))
                .sorted()
                .toList();
        return "ObjectStoreSettings[" + options + ", credentials from " + (set.isEmpty() ? "default chains" : set)
                + "]";
    }
}
