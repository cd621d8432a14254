package io.cairn.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.memory.offheap.NativeBuffers;
import io.cairn.server.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The offline backend's uploads (block put, dag import) read into the process's native upload
 * buffers, as the server's do, so its governor must count their mapped pages as the server's does.
 * Before, it registered nothing: {@code upload-buffers-spare} was missing from its stats, and the
 * pages mapped for a put counted nowhere once its reservation was released.
 */
class OfflineBackendMemoryTest {

    @Test
    void theUploadBuffersAreReportedToTheOfflineGovernor(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("block.bin");
        Files.write(file, new byte[100_000]);
        ServerConfig config = ServerConfig.builder(dir.resolve("data")).build();
        try (OfflineBackend backend = new OfflineBackend(config)) {
            backend.put(file, new Backend.PutOptions(null, "sha2-256", -1, null, false));
            assertThat(NativeBuffers.uploads().allocator().mappedBytes()).as("the put mapped upload memory").isPositive();
            assertThat(backend.governor().stats().consumers())
                    .as("off-heap consumers the offline governor counts")
                    .containsKey("upload-buffers-spare");
        }
    }
}
