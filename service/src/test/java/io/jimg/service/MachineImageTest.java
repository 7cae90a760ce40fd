package io.jimg.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.images.Image;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** io.systemd.MachineImage over a pool on btrfs, called by systemd's varlinkctl as machined would be. */
class MachineImageTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();
  @RegisterExtension static final LoopFilesystem EXT4 = LoopFilesystem.ext4();

  private ServedPool served;

  @BeforeEach
  void start() throws Exception {
    served = new ServedPool(BTRFS.newDirectory("machine-image-"));
  }

  @AfterEach
  void stop() {
    served.close();
  }

  private Commands.Result call(String method, String parameters, String... options) {
    String[] arguments = new String[options.length + 4];
    arguments[0] = "call";
    System.arraycopy(options, 0, arguments, 1, options.length);
    arguments[options.length + 1] = served.address;
    arguments[options.length + 2] = "io.systemd.MachineImage." + method;
    arguments[options.length + 3] = parameters;
    return Varlinkctl.run(arguments);
  }


  private static long micros(Instant instant) {
    return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000;
  }

  @Test
  void introspectionParsesAndNamesEveryMethodAndError() {
    String output = Varlinkctl.succeeded(Varlinkctl.run("introspect", served.address, "io.systemd.MachineImage"));
    for (String symbol : List.of("method List(", "method Update(", "method Clone(", "method Remove(",
        "method SetPoolLimit(", "method CleanPool(", "error NoSuchImage", "error TooManyOperations",
        "error NotSupported", "type AcquireMetadata", "type CleanPoolMode")) {
      assertTrue(output.contains(symbol), symbol + " in\n" + output);
    }
  }

  @Test
  void listStreamsEveryImageWithTimestampsInMicrosecondsAndOneByNameWithItsOsRelease() throws Exception {
    Image debian = served.image("debian");
    served.image("fedora");
    String all = Varlinkctl.compact(Varlinkctl.succeeded(call("List", "{}", "--more")));
    assertTrue(all.contains("\"name\":\"debian\"") && all.contains("\"name\":\"fedora\""), all);
    assertTrue(all.contains("\"class\":\"machine\"") && all.contains("\"type\":\"subvolume\""), all);
    assertTrue(all.contains("\"creationTimestamp\":" + micros(debian.created())), all);
    assertFalse(all.contains("OSRelease"), "metadata only where asked for: " + all);

    String one = Varlinkctl.compact(Varlinkctl.succeeded(call("List", "{\"name\":\"debian\",\"acquireMetadata\":\"yes\"}")));
    assertTrue(one.startsWith("{\"name\":\"debian\",\"path\":\"" + served.pool.resolve("debian") + "\""), one);
    assertTrue(one.contains("\"OSRelease\":[\"ID=debian\",\"VERSION_ID=12\"]"), one);
    assertTrue(one.contains("\"modificationTimestamp\":" + micros(debian.modified())), one);
  }

  @Test
  void listAnswersNoSuchImageForAMissingNameAndAnEmptyPool() {
    Commands.Result missing = call("List", "{\"name\":\"nothing\"}");
    assertNotEquals(0, missing.exitCode());
    assertTrue(missing.output().contains("io.systemd.MachineImage.NoSuchImage"), missing.output());
    assertEquals(0, call("List", "{}", "--more", "--graceful=io.systemd.MachineImage.NoSuchImage").exitCode());
    Commands.Result withoutMore = call("List", "{}");
    assertTrue(withoutMore.output().contains("org.varlink.service.ExpectedMore"), withoutMore.output());
  }

  @Test
  void cloneUpdateAndRemoveChangeThePool() throws Exception {
    served.image("base");
    Varlinkctl.succeeded(call("Clone", "{\"name\":\"base\",\"newName\":\"copy\",\"readOnly\":true}"));
    assertTrue(served.root.images().show("copy").readOnly());

    Commands.Result taken = call("Clone", "{\"name\":\"base\",\"newName\":\"copy\"}");
    assertNotEquals(0, taken.exitCode());
    assertTrue(taken.output().contains("io.systemd.System") && Varlinkctl.compact(taken.output()).contains("{\"errno\":17}"),
        taken.output()); // EEXIST, as machined answers

    Varlinkctl.succeeded(call("Update", "{\"name\":\"copy\",\"newName\":\"renamed\",\"readOnly\":false}"));
    assertFalse(served.root.images().exists("copy"));
    assertFalse(served.root.images().show("renamed").readOnly());

    Varlinkctl.succeeded(call("Remove", "{\"name\":\"renamed\"}"));
    assertFalse(served.root.images().exists("renamed"));
    assertTrue(Files.notExists(served.pool.resolve("renamed")));
    Commands.Result gone = call("Remove", "{\"name\":\"renamed\"}");
    assertTrue(gone.output().contains("io.systemd.MachineImage.NoSuchImage"), gone.output());

    Commands.Result invalid = call("Clone", "{\"name\":\"base\",\"newName\":\"../escape\"}");
    assertTrue(invalid.output().contains("org.varlink.service.InvalidParameter"), invalid.output());
    assertTrue(Files.notExists(served.pool.resolve("../escape")));
  }

  @Test
  void cleanPoolRemovesHiddenImagesOneReplyEachAndAnswersNoSuchImageWhenNothingIsLeft() throws Exception {
    served.image("visible");
    served.image(".hidden");
    assertEquals("{\"name\":\".hidden\"}", Varlinkctl.compact(Varlinkctl.succeeded(call("CleanPool", "{\"mode\":\"hidden\"}", "--more"))));
    assertFalse(served.root.images().exists(".hidden"));
    assertTrue(served.root.images().exists("visible"));
    Commands.Result nothing = call("CleanPool", "{\"mode\":\"hidden\"}", "--more");
    assertTrue(nothing.output().contains("io.systemd.MachineImage.NoSuchImage"), nothing.output());
  }

  @Test
  void aPoolLimitIsSetOnBtrfsAndNotSupportedOnExt4() throws Exception {
    served.image("first"); // the store makes the pool, a subvolume on btrfs
    Varlinkctl.succeeded(call("SetPoolLimit", "{\"limit\":1073741824}"));
    try (ServedPool onExt4 = new ServedPool(EXT4.newDirectory("machine-image-"))) {
      onExt4.image("first");
      Commands.Result refused = Varlinkctl.run("call", onExt4.address, "io.systemd.MachineImage.SetPoolLimit",
          "{\"limit\":1073741824}");
      assertNotEquals(0, refused.exitCode());
      assertTrue(refused.output().contains("io.systemd.MachineImage.NotSupported"), refused.output());
    }
  }

  @Test
  void aUserOtherThanRootListsButCannotRemove() throws Exception {
    served.image("kept");
    Commands.Result listed = Varlinkctl.runAsNobody("call", served.address, "io.systemd.MachineImage.List",
        "{\"name\":\"kept\"}");
    assertEquals(0, listed.exitCode(), listed.output());
    assertTrue(Varlinkctl.compact(listed.output()).contains("\"name\":\"kept\""), listed.output());
    Commands.Result denied = Varlinkctl.runAsNobody("call", served.address, "io.systemd.MachineImage.Remove",
        "{\"name\":\"kept\"}");
    assertNotEquals(0, denied.exitCode());
    assertTrue(denied.output().contains("org.varlink.service.PermissionDenied"), denied.output());
    assertTrue(served.root.images().exists("kept"));
  }
}
