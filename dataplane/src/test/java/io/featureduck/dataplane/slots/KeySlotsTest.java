package io.featureduck.dataplane.slots;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.iceberg.transforms.Transforms;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

/**
 * The partitioning of every sharded store, pinned: a change here moves entities between shards, so these vectors
 * change only with a migration plan.
 */
class KeySlotsTest {
    @Test
    void oneColumnKeysHashAsIcebergsBucketTransformSpecifiesThem() {
        // The Iceberg table spec's own test vectors for the bucket hash (Appendix B).
        assertThat(KeySlots.hash(34L)).isEqualTo(2017239379);
        assertThat(KeySlots.hash("iceberg")).isEqualTo(1210000089);
        assertThat(KeySlots.hash(ByteBuffer.wrap(new byte[] {0, 1, 2, 3}))).isEqualTo(-188683207);
        assertThat(KeySlots.hash(17486L)).as("date 2017-11-16 in days").isEqualTo(-653330422);
        assertThat(KeySlots.hash(1510871468000000L))
                .as("timestamp 2017-11-16T22:31:08 in microseconds")
                .isEqualTo(-2047944441);
    }

    @Test
    void aKeysSlotIsIcebergsBucketOfItOverTheSlotCount() {
        var longs = Transforms.bucket(KeySlots.SLOTS).bind(Types.LongType.get());
        var strings = Transforms.bucket(KeySlots.SLOTS).bind(Types.StringType.get());
        for (long key : new long[] {0, 1, 34, 1001, -7, Long.MAX_VALUE, Long.MIN_VALUE}) {
            assertThat(KeySlots.slot(key)).as("key %d", key).isEqualTo(longs.apply(key));
            assertThat(KeySlots.slot((Object) key)).isEqualTo(longs.apply(key));
        }
        for (String key : List.of("", "iceberg", "customer-42", "héllo ✓")) {
            assertThat(KeySlots.slot(key)).as("key %s", key).isEqualTo(strings.apply(key));
        }
    }

    @Test
    void goldenSlots() {
        assertThat(KeySlots.slot(34L)).isEqualTo(2017239379 % KeySlots.SLOTS);
        assertThat(KeySlots.slot(1001L)).isEqualTo(3875);
        assertThat(KeySlots.slot("iceberg")).isEqualTo(1210000089 % KeySlots.SLOTS);
        assertThat(KeySlots.slot(List.of(1001L, "customer-42"))).isEqualTo(2861);
        assertThat(KeySlots.slot(List.of(34L))).isEqualTo(KeySlots.slot(34L));
        assertThat(KeySlots.slot(true)).isEqualTo(KeySlots.slot(1L));
        assertThat(KeySlots.slot(ByteBuffer.wrap("iceberg".getBytes(StandardCharsets.UTF_8))))
                .isEqualTo(KeySlots.slot("iceberg"));
    }

    @Test
    void slotsSpreadKeysEvenly() {
        int[] perShard = new int[3];
        ShardLayout[] shards = {new ShardLayout(0, 3), new ShardLayout(1, 3), new ShardLayout(2, 3)};
        for (long key = 0; key < 30_000; key++) {
            perShard[shards[0].owner(KeySlots.slot(key))]++;
        }
        for (int count : perShard) {
            assertThat(count).isBetween(9_500, 10_500);
        }
    }

    @Test
    void shardsOwnContiguousRangesCoveringEverySlotOnce() {
        for (int count = 1; count <= 64; count++) {
            int next = 0;
            for (int index = 0; index < count; index++) {
                ShardLayout shard = new ShardLayout(index, count);
                assertThat(shard.firstSlot()).isEqualTo(next);
                for (int slot = shard.firstSlot(); slot < shard.endSlot(); slot++) {
                    assertThat(shard.owner(slot)).isEqualTo(index);
                    assertThat(shard.owns(slot)).isTrue();
                }
                next = shard.endSlot();
            }
            assertThat(next).isEqualTo(KeySlots.SLOTS);
        }
    }

    @Test
    void aShardIsWrittenIOverN() {
        assertThat(ShardLayout.parse("1/3")).isEqualTo(new ShardLayout(1, 3));
        assertThatThrownBy(() -> ShardLayout.parse("3/3")).hasMessageContaining("not one of shards 0..2");
        assertThatThrownBy(() -> ShardLayout.parse("one of three")).hasMessageContaining("i/N, e.g. 0/3");
        assertThatThrownBy(() -> ShardLayout.parse("0/0")).hasMessageContaining("1 to 4096 shards");
    }
}
