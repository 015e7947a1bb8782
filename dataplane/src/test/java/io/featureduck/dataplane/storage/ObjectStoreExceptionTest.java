package io.featureduck.dataplane.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

class ObjectStoreExceptionTest {
    private static final String WHERE = "s3://b/t/_delta_log (http://store:9000)";

    @Test
    void classifiesByWhatTheStoreAnsweredOrThatItDidNot() {
        assertThat(ObjectStoreException.of(WHERE, 404, "NoSuchKey", null))
                .isInstanceOf(FileNotFoundException.class)
                .hasMessage(WHERE + ": no such object");
        assertThat(fault(403)).isEqualTo(ObjectStoreException.Fault.ACCESS_DENIED);
        assertThat(fault(401)).isEqualTo(ObjectStoreException.Fault.ACCESS_DENIED);
        assertThat(fault(503)).isEqualTo(ObjectStoreException.Fault.THROTTLED);
        assertThat(fault(429)).isEqualTo(ObjectStoreException.Fault.THROTTLED);
        assertThat(fault(500)).isEqualTo(ObjectStoreException.Fault.FAILED);
        IOException unreachable = ObjectStoreException.of(
                WHERE, 0, "Connection refused", new UncheckedIOException(new ConnectException("Connection refused")));
        assertThat(((ObjectStoreException) unreachable).fault()).isEqualTo(ObjectStoreException.Fault.UNREACHABLE);
        assertThat(unreachable).hasMessage(WHERE + ": object store unreachable: Connection refused");
    }

    @Test
    void findsTheStoreFailureUnderTheTableLibrariesOwnWrapping() {
        ObjectStoreException cause = (ObjectStoreException) ObjectStoreException.of(WHERE, 503, "SlowDown", null);
        RuntimeException wrapped =
                new IllegalStateException("Failed to list the files in delta log", new UncheckedIOException(cause));
        assertThat(ObjectStoreException.in(wrapped)).containsSame(cause);
        assertThat(ObjectStoreException.in(new IllegalStateException("other"))).isEmpty();
    }

    private static ObjectStoreException.Fault fault(int status) {
        return ((ObjectStoreException) ObjectStoreException.of(WHERE, status, "detail", null)).fault();
    }
}
