package io.featureduck.dataplane.parity;

import io.featureduck.crds.RequestFieldSpec;
import io.featureduck.crds.ValueType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Request data for a parity check: for each entity a value of every request field of its view (in the forms of
 * {@code values/FeatureValues}), drawn from a generator seeded by the entity's key, so a check is repeatable and
 * entities differ. A null now and then checks that both paths treat missing request data alike.
 */
final class RequestValues {
    private RequestValues() {}

    static Map<String, Object> forKey(List<RequestFieldSpec> fields, Object key) {
        Random random = new Random(key.hashCode() * 31L + 7);
        Map<String, Object> values = new LinkedHashMap<>();
        for (RequestFieldSpec field : fields) {
            values.put(field.name(), random.nextInt(20) == 0 ? null : value(field.type(), random));
        }
        return values;
    }

    private static Object value(ValueType type, Random random) {
        if (type.isList()) {
            List<Object> items = new ArrayList<>();
            for (int i = random.nextInt(3); i >= 0; i--) {
                items.add(value(type.elementType(), random));
            }
            return items;
        }
        return switch (type) {
            case STRING -> "r" + random.nextInt(1000);
            case INT32 -> random.nextInt(2001) - 1000;
            case INT64 -> (long) random.nextInt(2_000_001) - 1_000_000;
            case FLOAT32 -> random.nextInt(100_000) / 100f;
            case FLOAT64 -> random.nextInt(1_000_000) / 1000.0;
            case BOOL -> random.nextBoolean();
            case BYTES -> new byte[] {(byte) random.nextInt(256), (byte) random.nextInt(256)};
            case TIMESTAMP -> Instant.ofEpochSecond(1_700_000_000L + random.nextInt(100_000_000));
            default -> throw new IllegalArgumentException(type.wireName() + " is not a request-data type");
        };
    }
}
