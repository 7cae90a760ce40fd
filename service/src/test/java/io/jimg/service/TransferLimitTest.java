package io.jimg.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.Linux;
import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.transfer.pull.TestImages;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * At most 16 transfers run in the service: with 16 imports held (each archive stalled in a pipe the test keeps
 * open, so that they run until cancelled), the 17th transfer of every interface is refused with its interface's
 * error; once they are cancelled the pool is as it was and transfers are admitted again.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES) // a hang guard
class TransferLimitTest {
  @RegisterExtension static final LoopFilesystem EXT4 = LoopFilesystem.ext4();

  @SuppressWarnings("unchecked")
  private static Map<String, Object> parameters(Map<String, Object> reply) {
    assertNotNull(reply, "the service closed the connection");
    assertEquals(null, reply.get("error"), reply.toString());
    return (Map<String, Object>) reply.get("parameters");
  }

  @Test
  void theSeventeenthTransferIsRefusedUntilOneEnds() throws Exception {
    try (ServedPool served = new ServedPool(EXT4.newDirectory("limit-"))) {
      served.image("before");
      List<String> before = served.entries();
      Path work = Files.createDirectories(served.base.resolve("work"));
      byte[] half = Arrays.copyOf(TestImages.tarball(work, "root.tar", "never whole"), 1024);
      List<Fd> pipes = new ArrayList<>();
      List<WireClient> held = new ArrayList<>();
      List<Long> ids = new ArrayList<>();
      try {
        for (int i = 0; i < TransferAdmission.MAX_RUNNING; i++) {
          Path fifo = work.resolve("pipe" + i);
          Commands.run("mkfifo", fifo.toString());
          // Read and write ends in one descriptor: the pipe never ends, the import waits for more.
          Fd pipe = Fd.open(fifo, Linux.O_RDWR | Linux.O_CLOEXEC);
          pipes.add(pipe);
          try (OutputStream writer = Files.newOutputStream(fifo)) {
            writer.write(half);
          }
          WireClient client = new WireClient(served.socket);
          held.add(client);
          client.send(("{\"method\":\"io.jimg.Transfer.ImportTar\",\"parameters\":{\"name\":\"held" + i
              + "\",\"fileDescriptor\":0},\"more\":true}\0").getBytes(StandardCharsets.UTF_8), List.of(pipe));
          ids.add(((Number) parameters(client.reply()).get("id")).longValue());
        }
        assertEquals(TransferAdmission.MAX_RUNNING, served.root.transfers().list().size());

        Commands.Result clone = Varlinkctl.run("call", served.address, "io.systemd.MachineImage.Clone",
            "{\"name\":\"before\",\"newName\":\"copy\"}");
        assertTrue(clone.output().contains("io.systemd.MachineImage.TooManyOperations"), clone.output());
        Path tarball = work.resolve("whole.tar");
        Files.write(tarball, TestImages.tarball(work, "whole.tar", "whole"));
        Commands.Result imported = Varlinkctl.run("call", served.address, "io.jimg.Transfer.ImportTar",
            "{\"path\":\"" + tarball + "\",\"name\":\"seventeenth\"}");
        assertTrue(imported.output().contains("io.jimg.Transfer.TooManyTransfers")
            && Varlinkctl.compact(imported.output()).contains("{\"max\":16}"), imported.output());
        Commands.Result pulled = Varlinkctl.run("call", served.address, "io.systemd.Import.Pull",
            "{\"remote\":\"http://127.0.0.1:9/image.tar\",\"class\":\"machine\",\"type\":\"tar\","
                + "\"verify\":\"no\"}");
        assertTrue(pulled.output().contains("io.systemd.System") && Varlinkctl.compact(pulled.output())
            .contains("\"errno\":7"), pulled.output());
        assertEquals(TransferAdmission.MAX_RUNNING, served.root.transfers().list().size(), "none of them started");

        for (long id : ids) {
          Commands.Result cancelled = Varlinkctl.run("call", served.address, "io.jimg.Transfer.Cancel",
              "{\"id\":" + id + "}");
          assertEquals(0, cancelled.exitCode(), cancelled.output());
        }
        for (WireClient client : held) {
          Map<String, Object> last;
          do {
            last = client.reply();
            assertNotNull(last, "the service closed the connection before the import's end");
          } while (Boolean.TRUE.equals(last.get("continues")));
          assertEquals("io.jimg.Transfer.TransferCancelled", last.get("error"), last.toString());
        }
        assertEquals(List.of(), served.root.transfers().list());
        assertEquals(before, served.entries(), "no image, no temporary left");

        Commands.Result admitted = Varlinkctl.run("call", served.address, "io.jimg.Transfer.ImportTar",
            "{\"path\":\"" + tarball + "\",\"name\":\"seventeenth\"}");
        assertEquals(0, admitted.exitCode(), admitted.output());
      } finally {
        held.forEach(WireClient::close);
        pipes.forEach(Fd::close);
      }
    }
  }
}
