package io.featureduck.dataplane.demo;

import java.util.List;

/** The requests the demo prints, kept in one place so a test can send exactly what a newcomer copies. */
public final class DemoRequests {
    private DemoRequests() {}

    /** One example call: a POST with a JSON body, or a GET when the body is null. */
    public record Example(String title, String path, String body) {
        public String curl(String base) {
            if (body == null) {
                return "curl -s " + base + path;
            }
            return "curl -s -X POST " + base + path + " -H 'content-type: application/json' -d '" + body + "'";
        }
    }

    public static List<Example> examples() {
        long active = DemoLakehouse.FIRST_DRIVER + DemoLakehouse.INACTIVE_DRIVERS;
        long inactive = DemoLakehouse.FIRST_DRIVER;
        return List.of(
                new Example(
                        "Latest features of two drivers (FeatureDuck API)",
                        "/v1/features/online",
                        "{\"feature_view\": \"driver-stats\", \"entities\": [{\"driver_id\": " + active + "}, "
                                + "{\"driver_id\": " + (active + 1) + "}], \"features\": [\"conv_rate\", \"acc_rate\", "
                                + "\"trips_per_hour\"]}"),
                new Example(
                        "A driver that stopped reporting 72h ago: outside the 48h TTL",
                        "/v1/features/online",
                        "{\"feature_view\": \"driver-stats\", \"entities\": [{\"driver_id\": " + inactive + "}]}"),
                new Example(
                        "Feast clients: two views in one call, Feast's request and response shape",
                        "/get-online-features",
                        "{\"features\": [\"driver-stats:conv_rate\", \"driver-stats:avg_daily_trips\", "
                                + "\"driver-profile:vehicle_type\", \"driver-profile:languages\"], "
                                + "\"entities\": {\"driver_id\": [" + active + ", " + (active + 1) + ", 99]}, "
                                + "\"full_feature_names\": true}"),
                new Example(
                        "A Feast feature service: the features of the driver-activity model, by name",
                        "/get-online-features",
                        "{\"feature_service\": \"driver-activity\", \"entities\": {\"driver_id\": [" + active + "]}}"),
                new Example(
                        "Request-time features: CEL over the looked-up row and the request's own values",
                        "/get-online-features",
                        "{\"features\": [\"driver-stats:conv_rate\", \"driver-stats:conv_rate_plus_val1\"], "
                                + "\"entities\": {\"driver_id\": [" + active + ", " + (active + 1) + "], "
                                + "\"val_to_add\": [10, 20]}}"),
                new Example("What is served, from which table version", "/v1/views", null));
    }
}
