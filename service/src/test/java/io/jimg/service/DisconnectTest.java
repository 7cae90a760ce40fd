package io.jimg.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.Linux;
import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.library.Transfer;
import io.jimg.transfer.pull.TestImages;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A client that hangs up in the middle of a streamed transfer cancels it, and the pool is as it was: here an import
 * whose archive comes through a pipe the client passed, stalled halfway (its writer sends nothing more), so that
 * the transfer is certainly running when the client leaves, and ends only through the cancel.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES) // a hang guard
class DisconnectTest {
  @RegisterExtension static final LoopFilesystem EXT4 = LoopFilesystem.ext4();

  @Test
  @SuppressWarnings("unchecked")
  void aClientThatHangsUpMidImportCancelsItAndLeavesThePoolAsItWas() throws Exception {
    try (ServedPool served = new ServedPool(EXT4.newDirectory("disconnect-"))) {
      served.image("before");
      List<String> before = served.entries();
      Path work = Files.createDirectories(served.base.resolve("work"));
      byte[] tarball = TestImages.tarball(work, "root.tar", "never whole");
      Path fifo = work.resolve("pipe");
      Commands.run("mkfifo", fifo.toString());
      // Read and write ends: O_RDWR opens without waiting for a writer, and keeps the pipe from ever ending.
      try (Fd pipe = Fd.open(fifo, Linux.O_RDWR | Linux.O_CLOEXEC);
          OutputStream writer = Files.newOutputStream(fifo)) {
        writer.write(Arrays.copyOf(tarball, 1024)); // the first member's header and a little: then nothing
        writer.flush();
        WireClient client = new WireClient(served.socket);
        client.send(("{\"method\":\"io.jimg.Transfer.ImportTar\",\"parameters\":{\"name\":\"half\","
            + "\"fileDescriptor\":0},\"more\":true}\0").getBytes(StandardCharsets.UTF_8), List.of(pipe));
        Map<String, Object> first = client.reply();
        assertNotNull(first);
        long id = ((Number) ((Map<String, Object>) first.get("parameters")).get("id")).longValue();
        Optional<Transfer<?>> running = served.root.transfers().get(id);
        assertTrue(running.isPresent(), "the import waits for the rest of its archive");

        client.close(); // the client leaves

        try {
          running.get().await();
        } catch (Exception expected) {
          // cancelled: how the work reports it is the work's
        }
        assertTrue(running.get().cancellation().isCancelled(), "the hang-up cancelled it");
        assertFalse(served.root.transfers().get(id).isPresent());
        assertTrue(served.log.contains("its client hung up, cancelling"), served.log.lines().toString());
        assertEquals(before, served.entries(), "no image, no temporary left");
        assertFalse(served.root.images().exists("half"));
      }
    }
  }
}
