package io.featureduck.dataplane.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What every message that leaves the data plane may show: see {@link Redaction}. */
class RedactionTest {
    private static final String TMP =
            Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().toString();
    private final Redaction redaction = Redaction.of(Map.of("/srv/lake-resolved", "lakehouse", TMP, "<tmp>"));

    @Test
    void knownPrefixesAreShownAsConfiguredAndOtherLocalPathsByTheirLastSegment() {
        assertThat(redaction.apply("cannot read /srv/lake-resolved/drivers/_delta_log/00.json"))
                .isEqualTo("cannot read lakehouse/drivers/_delta_log/00.json");
        assertThat(redaction.apply("spill to " + TMP + "/featureduck-duckdb failed"))
                .isEqualTo("spill to <tmp>/featureduck-duckdb failed");
        String home = Path.of(System.getProperty("user.home")).toAbsolutePath().toString();
        assertThat(redaction.apply("cannot read " + home + "/secret/store.yaml: denied"))
                .isEqualTo("cannot read …/store.yaml: denied");
        assertThat(redaction.apply("file not found: file:" + home + "/x/part-0.parquet"))
                .isEqualTo("file not found: …/part-0.parquet");
        // A route a client asked for is no place on this machine, and object-store URIs are as configured.
        assertThat(redaction.apply("no such endpoint: GET /v2/everything")).endsWith("GET /v2/everything");
        assertThat(redaction.apply("cannot read s3://bucket/lake/drivers")).endsWith("s3://bucket/lake/drivers");
    }

    @Test
    void sqlIsCutFromDuckDbMessagesAndReplacedWhereItIsQuoted() {
        String duckdb = "view 'x': Binder Error: Referenced column \"nope\" not found in FROM clause!\n"
                + "Candidate bindings: \"conv_rate\"\n\nLINE 1: SELECT nope FROM read_parquet(['/srv/x.parquet'])\n"
                + "               ^; fix the feature's expression";
        String shown = redaction.apply(duckdb);
        assertThat(shown).doesNotContain("SELECT", "read_parquet", "LINE 1").contains("fix the feature's expression");
        assertThat(Redaction.SQL.matcher(shown).find()).isFalse();
        assertThat(redaction.apply("failed: COPY (SELECT * FROM t) TO 'x.parquet'\nthen"))
                .isEqualTo("failed: <SQL>\nthen");
    }

    @Test
    void signaturesAndKeysOfObjectStoreUrlsAreRedacted() {
        assertThat(redaction.apply("GET https://b.s3.amazonaws.com/k?X-Amz-Credential=AKIA1&X-Amz-Signature=abc def"))
                .contains("X-Amz-Credential=<redacted>&X-Amz-Signature=<redacted> def")
                .doesNotContain("AKIA1");
        assertThat(redaction.apply("conn AccountKey=c2VjcmV0;EndpointSuffix=x")).contains("AccountKey=<redacted>;");
    }

    @Test
    void longEchoesAreCutButProseIsNot() {
        String name = "v".repeat(100_000);
        String shown = redaction.apply("feature service '" + name + "' is not served here");
        assertThat(shown).hasSizeLessThan(300).endsWith("…' is not served here");
        assertThat(redaction.apply("no such endpoint: GET /" + "w".repeat(5000)))
                .hasSizeLessThan(300);
        String prose = "Hudi's table " + "y ".repeat(150) + "is refused (Spark's CALL run_compaction)";
        assertThat(redaction.apply(prose)).isEqualTo(prose);
        assertThat(redaction.apply("word ".repeat(5000))).hasSize(Redaction.MAX_MESSAGE + 1);
    }
}
