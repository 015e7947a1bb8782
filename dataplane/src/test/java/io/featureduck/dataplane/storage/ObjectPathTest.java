package io.featureduck.dataplane.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.featureduck.crds.ObjectStoreSpec;
import io.featureduck.crds.location.ObjectPath;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ObjectPathTest {
    @Test
    void parsesTheUriFormsTheTableFormatsWrite() {
        assertThat(ObjectPath.parse("s3://bucket/tables/a b/part-0.parquet"))
                .isEqualTo(new ObjectPath("s3", "bucket", null, "tables/a b/part-0.parquet"));
        assertThat(ObjectPath.parse("s3a://bucket").key()).isEmpty();
        assertThat(ObjectPath.parse("gs://bucket/t/").key()).isEqualTo("t");
        ObjectPath abfss = ObjectPath.parse("abfss://lake@account1.dfs.core.windows.net/t/x.parquet");
        assertThat(abfss).isEqualTo(new ObjectPath("abfss", "lake", "account1", "t/x.parquet"));
        assertThat(abfss.uri()).isEqualTo("abfss://lake@account1.dfs.core.windows.net/t/x.parquet");
        assertThat(ObjectPath.parse("wasbs://lake@account1.blob.core.windows.net/t")
                        .uri())
                .isEqualTo("wasbs://lake@account1.blob.core.windows.net/t");
        assertThat(ObjectPath.parse("az://lake/t")).isEqualTo(new ObjectPath("az", "lake", null, "t"));
        assertThat(ObjectPath.parse("az://lake/t").service()).isEqualTo(ObjectPath.Service.AZURE);
        assertThat(ObjectPath.parse("s3://b/t").resolve("_delta_log/").uri()).isEqualTo("s3://b/t/_delta_log");
    }

    @Test
    void refusesWhatItCannotRead() {
        assertThatThrownBy(() -> ObjectPath.parse("hdfs://nn/t")).hasMessageContaining("hdfs:// is not supported");
        assertThatThrownBy(() -> ObjectPath.parse("s3:///key")).hasMessageContaining("names no bucket");
        assertThatThrownBy(() -> ObjectPath.parse("abfss://account.dfs.core.windows.net/t"))
                .hasMessageContaining("container@account");
        assertThat(ObjectPath.isObjectStore("file:///tmp/t")).isFalse();
        assertThat(ObjectPath.isObjectStore("/tmp/t")).isFalse();
        assertThat(ObjectPath.isObjectStore("S3://b/t")).isTrue();
    }

    @Test
    void settingsNeverShowCredentials() {
        ObjectStoreSettings settings = new ObjectStoreSettings(
                ObjectStoreSpec.none(),
                Map.of(
                        ObjectStoreSettings.AWS_ACCESS_KEY_ID,
                        "AKIAEXAMPLE",
                        ObjectStoreSettings.AWS_SECRET_ACCESS_KEY,
                        "very-secret-key",
                        ObjectStoreSettings.AZURE_STORAGE_CONNECTION_STRING,
                        "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=connection-key==;"));
        assertThat(settings.toString())
                .doesNotContain("very-secret-key")
                .doesNotContain("connection-key")
                .contains(ObjectStoreSettings.AWS_SECRET_ACCESS_KEY);
        assertThat(settings.redact("failed with very-secret-key at https://a.blob.core.windows.net/c?sv=1&sig=abc%2F"))
                .isEqualTo("failed with *** at https://a.blob.core.windows.net/c?sv=1&sig=***");
        assertThat(settings.redact("AccountName=b;AccountKey=other-key;")).isEqualTo("AccountName=b;AccountKey=***;");
    }
}
