package io.featureduck.dataplane.storage;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import io.featureduck.crds.ObjectStoreSpec;
import io.featureduck.dataplane.SharedTestData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Azurite, Microsoft's Azure Storage emulator, as a child process: a real Azure Blob protocol server. The build
 * installs it from npm at a locked version into {@code target/azurite}.
 */
public final class AzuriteServer implements AutoCloseable {
    /** Azurite's well-known development account. */
    public static final String ACCOUNT = "devstoreaccount1";

    public static final String KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private final Process process;
    private final int port;

    private AzuriteServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static Path executable() {
        Path module = SharedTestData.projectRoot().resolve("dataplane");
        return module.resolve("target/azurite/node_modules/.bin/azurite-blob");
    }

    public static AzuriteServer start(Path directory) {
        Path azurite = executable();
        if (!Files.isExecutable(azurite)) {
            throw new IllegalStateException(azurite + " is missing: `mvn verify` installs Azurite with npm "
                    + "(Node.js and npm are needed; .ci/run installs them)");
        }
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Process process = new ProcessBuilder(
                            azurite.toString(),
                            "--blobHost",
                            "127.0.0.1",
                            "--blobPort",
                            String.valueOf(port),
                            "--location",
                            directory.toString(),
                            "--silent",
                            "--skipApiVersionCheck",
                            "--loose")
                    .redirectErrorStream(true)
                    .redirectOutput(directory.resolve("azurite.log").toFile())
                    .start();
            AzuriteServer server = new AzuriteServer(process, port);
            server.awaitListening();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + azurite, e);
        }
    }

    private void awaitListening() {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Azurite exited with " + process.exitValue());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
        throw new IllegalStateException("Azurite did not listen on port " + port + " within 30 s");
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port + "/" + ACCOUNT;
    }

    public ObjectStoreSpec options() {
        return new ObjectStoreSpec(null, new ObjectStoreSpec.Azure(endpoint(), ACCOUNT), null);
    }

    public static Map<String, String> credentials() {
        return Map.of(ObjectStoreSettings.AZURE_STORAGE_ACCOUNT_KEY, KEY);
    }

    private BlobContainerClient container(String name) {
        return new BlobServiceClientBuilder()
                .endpoint(endpoint())
                .credential(new StorageSharedKeyCredential(ACCOUNT, KEY))
                .buildClient()
                .getBlobContainerClient(name);
    }

    public void createContainer(String name) {
        container(name).create();
    }

    /** Uploads every file under {@code local} to {@code container/prefix/<relative path>}. */
    public void upload(Path local, String containerName, String prefix) {
        BlobContainerClient container = container(containerName);
        try (Stream<Path> files = Files.walk(local)) {
            List<Path> regular = files.filter(Files::isRegularFile).sorted().toList();
            for (Path file : regular) {
                container
                        .getBlobClient(
                                prefix + "/" + local.relativize(file).toString().replace('\\', '/'))
                        .uploadFromFile(file.toString(), true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        // A graceful stop waits for the SDK's pooled keep-alive connections to time out (over a minute).
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
