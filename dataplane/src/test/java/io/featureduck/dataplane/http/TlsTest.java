package io.featureduck.dataplane.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.featureduck.dataplane.demo.DemoLakehouse;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS on the API port (and TLS on the gRPC port) from PEM files, as a kubernetes.io/tls Secret is mounted, and a
 * renewal without restart.
 */
class TlsTest {
    @TempDir
    Path directory;

    @Test
    void theApiIsServedOverHttpsAndARenewedCertificateReachesNewConnections() throws Exception {
        KeyStore first = selfSigned("first");
        Path certificate = directory.resolve("tls.crt");
        Path key = directory.resolve("tls.key");
        writePem(first, certificate, key);
        DemoServer server =
                new DemoServer(directory.resolve("lake"), 20, "auth: {type: none}", b -> b.tls(certificate, key));
        try {
            String url = "https://localhost:" + server.dataPlane.port() + "/v1/views";
            HttpResponse<String> answer = client(first)
                    .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).contains("driver-stats");
            assertThat(subject(answer)).contains("CN=first");
            // Plain HTTP on the TLS port gets no answer; probes stay plain HTTP on the management port.
            assertThatThrownBy(() -> HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(URI.create(
                                                    "http://127.0.0.1:" + server.dataPlane.port() + "/v1/views"))
                                            .timeout(Duration.ofSeconds(5))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(IOException.class);
            assertThat(server.management().get("/ready").status()).isEqualTo(200);
            // Feast's gRPC port is TLS too, HTTP/2 negotiated by ALPN, with the same certificate.
            assertThat(grpcHealth(server, certificate)).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);

            // The kubelet swaps the Secret's files; new connections get the renewed certificate.
            KeyStore renewed = selfSigned("renewed");
            writePem(renewed, certificate, key);
            HttpClient trustsRenewed = client(renewed);
            await().atMost(Duration.ofSeconds(10))
                    .ignoreExceptions()
                    .until(() -> subject(trustsRenewed.send(
                                    HttpRequest.newBuilder(URI.create(url)).build(),
                                    HttpResponse.BodyHandlers.ofString()))
                            .contains("CN=renewed"));
            Path renewedCertificate = Files.copy(certificate, directory.resolve("renewed.crt"));
            await().atMost(Duration.ofSeconds(10))
                    .ignoreExceptions()
                    .until(() -> grpcHealth(server, renewedCertificate) == HealthCheckResponse.ServingStatus.SERVING);
            long driver = DemoLakehouse.FIRST_DRIVER + DemoLakehouse.INACTIVE_DRIVERS;
            assertThat(trustsRenewed
                            .send(
                                    HttpRequest.newBuilder(URI.create("https://localhost:" + server.dataPlane.port()
                                                    + "/v1/features/online"))
                                            .POST(HttpRequest.BodyPublishers.ofString(
                                                    "{\"feature_view\": \"driver-stats\", \"entities\": [{\"driver_id\": "
                                                            + driver + "}]}"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .statusCode())
                    .isEqualTo(200);
        } finally {
            server.close();
        }
    }

    /** The gRPC health of the server's TLS gRPC port, for a client that trusts only {@code trusted}. */
    private static HealthCheckResponse.ServingStatus grpcHealth(DemoServer server, Path trusted) throws Exception {
        ManagedChannel channel = NettyChannelBuilder.forAddress("localhost", server.dataPlane.grpcPort())
                .sslContext(GrpcSslContexts.forClient()
                        .trustManager(trusted.toFile())
                        .build())
                .build();
        try {
            return HealthGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(5, java.util.concurrent.TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance())
                    .getStatus();
        } finally {
            channel.shutdownNow();
        }
    }

    private static String subject(HttpResponse<String> response) throws javax.net.ssl.SSLPeerUnverifiedException {
        return ((X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0])
                .getSubjectX500Principal()
                .getName();
    }

    /** A key pair and self-signed certificate for localhost, made by the JDK's keytool. */
    private KeyStore selfSigned(String name) throws Exception {
        Path store = directory.resolve(name + ".p12");
        Process keytool = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "keytool")
                                .toString(),
                        "-genkeypair",
                        "-alias",
                        "server",
                        "-keyalg",
                        "EC",
                        "-groupname",
                        "secp256r1",
                        "-dname",
                        "CN=" + name,
                        "-ext",
                        "SAN=dns:localhost,ip:127.0.0.1",
                        "-validity",
                        "2",
                        "-keystore",
                        store.toString(),
                        "-storetype",
                        "PKCS12",
                        "-storepass",
                        "changeit")
                .redirectErrorStream(true)
                .start();
        assertThat(keytool.waitFor())
                .as(new String(keytool.getInputStream().readAllBytes()))
                .isZero();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, "changeit".toCharArray());
        }
        return keys;
    }

    private static void writePem(KeyStore keys, Path certificate, Path key) throws Exception {
        Base64.Encoder base64 = Base64.getMimeEncoder(64, "\n".getBytes());
        Path nextCertificate = certificate.resolveSibling(".next.crt");
        Path nextKey = key.resolveSibling(".next.key");
        Files.writeString(
                nextCertificate,
                "-----BEGIN CERTIFICATE-----\n"
                        + base64.encodeToString(keys.getCertificate("server").getEncoded())
                        + "\n-----END CERTIFICATE-----\n");
        Files.writeString(
                nextKey,
                "-----BEGIN PRIVATE KEY-----\n"
                        + base64.encodeToString(
                                keys.getKey("server", "changeit".toCharArray()).getEncoded())
                        + "\n-----END PRIVATE KEY-----\n");
        Files.move(nextKey, key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.move(nextCertificate, certificate, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static HttpClient client(KeyStore trusted) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("server", trusted.getCertificate("server"));
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return HttpClient.newBuilder()
                .sslContext(context)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }
}
