package io.jimg.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.LoopFilesystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** io.jimg.Transfer's ImportFileSystem and Provision through varlinkctl: streamed, whole, and refused with reason. */
@Timeout(value = 5, unit = TimeUnit.MINUTES) // a hang guard
class ImportFileSystemAndProvisionTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();

  private ServedPool served;

  @BeforeEach
  void start() throws Exception {
    served = new ServedPool(BTRFS.newDirectory("fs-fleet-"));
  }

  @AfterEach
  void stop() {
    served.close();
  }

  @Test
  void importsADirectoryTreeStreamingItsIdThenAnsweringTheImagesName() throws Exception {
    Path tree = Files.createDirectories(served.base.resolve("tree/etc"));
    Files.writeString(tree.resolve("hostname"), "from a tree\n");
    Commands.Result imported = Varlinkctl.run("call", "--more", served.address, "io.jimg.Transfer.ImportFileSystem",
        "{\"path\":\"" + tree.getParent() + "\",\"name\":\"fromtree\"}");
    assertEquals(0, imported.exitCode(), imported.output());
    assertTrue(Varlinkctl.compact(imported.output()).matches("\\{\"id\":\\d+}.*\\{\"id\":\\d+,\"name\":\"fromtree\"}"),
        imported.output());
    assertEquals("from a tree\n", Files.readString(served.pool.resolve("fromtree/etc/hostname")));

    List<String> before = served.entries();
    Commands.Result relative = Varlinkctl.run("call", served.address, "io.jimg.Transfer.ImportFileSystem",
        "{\"path\":\"tree\",\"name\":\"relative\"}");
    assertTrue(relative.output().contains("org.varlink.service.InvalidParameter"), relative.output());
    Commands.Result taken = Varlinkctl.run("call", served.address, "io.jimg.Transfer.ImportFileSystem",
        "{\"path\":\"" + tree.getParent() + "\",\"name\":\"fromtree\"}");
    assertTrue(taken.output().contains("io.jimg.Transfer.TransferFailed") && taken.output().contains("fromtree"),
        taken.output());
    assertEquals(before, served.entries(), "a refused import leaves the pool as it was");
  }

  @Test
  void provisionsAFleetAndAnswersItsNames() throws Exception {
    served.image("template");
    Commands.Result made = Varlinkctl.run("call", "--more", served.address, "io.jimg.Transfer.Provision",
        "{\"template\":\"template\",\"count\":3,\"prefix\":\"node\",\"start\":7}");
    assertEquals(0, made.exitCode(), made.output());
    assertTrue(Varlinkctl.compact(made.output()).matches(
        "\\{\"id\":\\d+}.*\\{\"id\":\\d+,\"names\":\\[\"node7\",\"node8\",\"node9\"]}"), made.output());
    for (String node : List.of("node7", "node8", "node9")) {
      assertEquals("ID=debian\nVERSION_ID=12\n", Files.readString(served.pool.resolve(node + "/etc/os-release")));
    }

    List<String> before = served.entries();
    Commands.Result none = Varlinkctl.run("call", served.address, "io.jimg.Transfer.Provision",
        "{\"template\":\"template\",\"count\":0,\"prefix\":\"node\"}");
    assertTrue(none.output().contains("org.varlink.service.InvalidParameter") && none.output().contains("count"),
        none.output());
    Commands.Result tooMany = Varlinkctl.run("call", served.address, "io.jimg.Transfer.Provision",
        "{\"template\":\"template\",\"count\":4097,\"prefix\":\"node\"}");
    assertTrue(tooMany.output().contains("org.varlink.service.InvalidParameter"), tooMany.output());
    Commands.Result clash = Varlinkctl.run("call", served.address, "io.jimg.Transfer.Provision",
        "{\"template\":\"template\",\"count\":3,\"prefix\":\"node\",\"start\":9}");
    assertNotEquals(0, clash.exitCode());
    assertTrue(clash.output().contains("io.jimg.Transfer.TransferFailed") && clash.output().contains("node9"),
        clash.output());
    assertEquals(before, served.entries(), "a fleet is made whole or not at all");
    Commands.Result denied = Varlinkctl.runAsNobody("call", served.address, "io.jimg.Transfer.Provision",
        "{\"template\":\"template\",\"count\":1,\"prefix\":\"other\"}");
    assertTrue(denied.output().contains("org.varlink.service.PermissionDenied"), denied.output());
  }
}
