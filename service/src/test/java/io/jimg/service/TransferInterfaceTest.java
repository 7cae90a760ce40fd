package io.jimg.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.Linux;
import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.transfer.pull.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** io.jimg.Transfer: imports and exports by path through varlinkctl and by passed descriptor, Cancel, Watch. */
@Timeout(value = 5, unit = TimeUnit.MINUTES) // a hang guard
class TransferInterfaceTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();

  private ServedPool served;
  private Path work;

  @BeforeEach
  void start() throws Exception {
    served = new ServedPool(BTRFS.newDirectory("transfer-"));
    work = Files.createDirectories(served.base.resolve("work"));
  }

  @AfterEach
  void stop() {
    served.close();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> parameters(Map<String, Object> reply) {
    assertNotNull(reply, "the service closed the connection");
    assertEquals(null, reply.get("error"), reply.toString());
    return (Map<String, Object>) reply.get("parameters");
  }

  private String marker(String image) throws Exception {
    return Files.readString(served.pool.resolve(image).resolve(TestImages.MARKER));
  }

  @Test
  void introspectionParses() {
    Commands.Result introspected = Varlinkctl.run("introspect", served.address, "io.jimg.Transfer");
    assertEquals(0, introspected.exitCode(), introspected.output());
    assertTrue(introspected.output().contains("method Watch()"), introspected.output());
  }

  @Test
  void importsATarballByPathStreamingItsIdThenAnsweringTheImagesName() throws Exception {
    Path tarball = work.resolve("root.tar.zst");
    Files.write(tarball, TestImages.tarball(work, "root.tar.zst", "by path"));
    Commands.Result imported = Varlinkctl.run("call", "--more", served.address, "io.jimg.Transfer.ImportTar",
        "{\"path\":\"" + tarball + "\",\"name\":\"bypath\"}");
    assertEquals(0, imported.exitCode(), imported.output());
    assertTrue(Varlinkctl.compact(imported.output()).matches("\\{\"id\":\\d+}.*\\{\"id\":\\d+,\"name\":\"bypath\"}"),
        imported.output());
    assertTrue(Varlinkctl.compact(imported.output()).contains("\"phase\":\"flushing\""),
        "the replies say when the import flushes: " + imported.output());
    assertEquals("by path", marker("bypath"));

    Commands.Result relative = Varlinkctl.run("call", served.address, "io.jimg.Transfer.ImportTar",
        "{\"path\":\"root.tar.zst\",\"name\":\"relative\"}");
    assertTrue(relative.output().contains("org.varlink.service.InvalidParameter"), relative.output());
    Commands.Result failed = Varlinkctl.run("call", served.address, "io.jimg.Transfer.ImportTar",
        "{\"path\":\"" + tarball + "\",\"name\":\"bypath\"}");
    assertNotEquals(0, failed.exitCode());
    assertTrue(failed.output().contains("io.jimg.Transfer.TransferFailed") && failed.output().contains("bypath"),
        failed.output());
  }

  @Test
  void exportsToAndImportsFromDescriptorsPassedBesideTheCall() throws Exception {
    served.image("source");
    Path exported = work.resolve("exported.tar");
    try (WireClient client = new WireClient(served.socket);
        Fd out = Fd.open(exported, Linux.O_WRONLY | Linux.O_CREAT | Linux.O_EXCL | Linux.O_CLOEXEC, 0600)) {
      client.send(("{\"method\":\"io.jimg.Transfer.ExportTar\",\"parameters\":{\"name\":\"source\","
          + "\"fileDescriptor\":0}}\0").getBytes(java.nio.charset.StandardCharsets.UTF_8), List.of(out));
      assertTrue(parameters(client.reply()).containsKey("id"));
    }
    String listing = Commands.run("tar", "-tf", exported.toString());
    assertTrue(listing.contains("etc/os-release"), listing);

    try (WireClient client = new WireClient(served.socket); Fd in = Fd.open(exported, Linux.O_RDONLY | Linux.O_CLOEXEC)) {
      client.send(("{\"method\":\"io.jimg.Transfer.ImportTar\",\"parameters\":{\"name\":\"again\","
          + "\"fileDescriptor\":0},\"more\":true}\0").getBytes(java.nio.charset.StandardCharsets.UTF_8), List.of(in));
      Map<String, Object> first = parameters(client.reply());
      Map<String, Object> last = first;
      while (!"again".equals(last.get("name"))) {
        last = parameters(client.reply());
      }
      assertEquals(first.get("id"), last.get("id"));
    }
    assertEquals("ID=debian\nVERSION_ID=12\n", Files.readString(served.pool.resolve("again/etc/os-release")));
  }

  @Test
  void cancelOfNoRunningTransferNamesItsIdAndListTransfersIsOpenToEveryone() {
    Commands.Result cancelled = Varlinkctl.run("call", served.address, "io.jimg.Transfer.Cancel", "{\"id\":424242}");
    assertNotEquals(0, cancelled.exitCode());
    assertTrue(cancelled.output().contains("io.jimg.Transfer.NoSuchTransfer")
        && Varlinkctl.compact(cancelled.output()).contains("{\"id\":424242}"), cancelled.output());
    Commands.Result listed = Varlinkctl.runAsNobody("call", served.address, "io.jimg.Transfer.ListTransfers", "{}");
    assertEquals(0, listed.exitCode(), listed.output());
    assertEquals("{\"transfers\":[]}", Varlinkctl.compact(listed.output()));
    Commands.Result denied = Varlinkctl.runAsNobody("call", served.address, "io.jimg.Transfer.Cancel", "{\"id\":1}");
    assertTrue(denied.output().contains("org.varlink.service.PermissionDenied"), denied.output());
  }

  @Test
  @SuppressWarnings("unchecked")
  void watchStreamsTheStoresEventsWithTheirTransferUntilTheClientHangsUp() throws Exception {
    served.image("base");
    try (WireClient watcher = new WireClient(served.socket)) {
      watcher.call("{\"method\":\"io.jimg.Transfer.Watch\",\"more\":true}");
      assertEquals("watching", ((Map<String, Object>) parameters(watcher.reply()).get("event")).get("kind"));
      assertEquals(0, Varlinkctl.run("call", served.address, "io.systemd.MachineImage.Clone",
          "{\"name\":\"base\",\"newName\":\"copy\"}").exitCode());
      Map<String, Object> event;
      do {
        event = (Map<String, Object>) parameters(watcher.reply()).get("event");
      } while (!"created".equals(event.get("kind")));
      assertEquals("copy", event.get("image"));
      assertTrue(event.get("transfer") instanceof Number, event.toString());
    }
  }
}
