package io.featureduck.crds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ValueTypeTest {
    @Test
    void listTypesKnowTheirElements() {
        assertThat(ValueType.fromWireName("list<int64>")).isEqualTo(ValueType.INT64_LIST);
        assertThat(ValueType.INT64_LIST.elementType()).isEqualTo(ValueType.INT64);
        assertThat(ValueType.STRING.elementType()).isEqualTo(ValueType.STRING);
    }

    @Test
    void unknownTypeListsTheKnownOnes() {
        assertThatThrownBy(() -> ValueType.fromWireName("double")).hasMessageContaining("float64");
    }
}
