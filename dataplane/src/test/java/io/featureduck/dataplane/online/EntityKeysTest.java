package io.featureduck.dataplane.online;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.featureduck.crds.EntitySpec;
import io.featureduck.crds.ValueType;
import org.junit.jupiter.api.Test;

/** Request values as join keys: what the online routes accept, and the reason for what they refuse. */
class EntityKeysTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Object key(String json, ValueType type) throws Exception {
        JsonNode value = JSON.readTree(json);
        return EntityKeys.fromJson(value, new EntitySpec("k", type));
    }

    @Test
    void timestampsOutsideWhatMicrosecondsCanHoldAreRefusedNotACrash() throws Exception {
        assertThat(key("\"2026-01-31T12:00:00Z\"", ValueType.TIMESTAMP)).isEqualTo(1_769_860_800_000_000L);
        assertThat(key("\"+99999-01-01T00:00:00Z\"", ValueType.TIMESTAMP)).isInstanceOf(Long.class);
        assertThatThrownBy(() -> key("\"+999999999-12-31T23:59:59Z\"", ValueType.TIMESTAMP))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("within 290,000 years");
        assertThatThrownBy(() -> key("\"-999999999-01-01T00:00:00Z\"", ValueType.TIMESTAMP))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> key("\"yesterday\"", ValueType.TIMESTAMP))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void integerKeysAreWholeNumbersInRange() throws Exception {
        assertThat(key("1006", ValueType.INT64)).isEqualTo(1006L);
        assertThatThrownBy(() -> key("9223372036854775808", ValueType.INT64))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> key("1.5", ValueType.INT64)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> key("2147483648", ValueType.INT32)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> key("\"1006\"", ValueType.INT64)).isInstanceOf(IllegalArgumentException.class);
    }
}
