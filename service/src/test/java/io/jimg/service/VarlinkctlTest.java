package io.jimg.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.Commands;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.nio.file.Path;

/** systemd's own client against the service: what it reads, what it sends, how it fails. */
class VarlinkctlTest {
  @TempDir Path directory;
  private TestService service;
  private String address;

  @BeforeEach
  void start() throws Exception {
    service = new TestService(directory);
    address = "unix:" + service.socket;
  }

  @AfterEach
  void stop() {
    service.close();
  }

  @Test
  void infoListsTheInterfaces() {
    String output = Varlinkctl.succeeded(Varlinkctl.run("info", address));
    assertTrue(output.contains("Vendor: jimg") && output.contains("Product: jimg test service")
        && output.contains("io.jimg.test") && output.contains("org.varlink.service"), output);
  }

  @Test
  void introspectParsesTheTestInterface() {
    String output = Varlinkctl.succeeded(Varlinkctl.run("introspect", address, "io.jimg.test"));
    assertTrue(output.contains("interface io.jimg.test") && output.contains("method Echo(")
        && output.contains("error NoSuchThing"), output);
    Varlinkctl.succeeded(Varlinkctl.run("introspect", address, "org.varlink.service"));
  }

  @Test
  void callAndStreamedCall() {
    assertEquals("{\"text\":\"hi\",\"color\":\"red\"}", Varlinkctl.compact(Varlinkctl.succeeded(Varlinkctl.run("call", address,
        "io.jimg.test.Echo", "{\"text\":\"hi\",\"color\":\"red\"}"))));
    assertEquals("{\"index\":0}{\"index\":1}{\"index\":2}", Varlinkctl.compact(Varlinkctl.succeeded(Varlinkctl.run("call", "--more",
        address, "io.jimg.test.Count", "{\"count\":2}"))));
  }

  @Test
  void anErrorFailsTheCallUnlessGraceful() {
    Commands.Result failed = Varlinkctl.run("call", address, "io.jimg.test.Fail", "{\"name\":\"x\"}");
    assertNotEquals(0, failed.exitCode());
    assertTrue(failed.output().contains("io.jimg.test.NoSuchThing"), failed.output());
    Varlinkctl.succeeded(Varlinkctl.run("call", "--graceful=io.jimg.test.NoSuchThing", address, "io.jimg.test.Fail",
        "{\"name\":\"x\"}"));
    Commands.Result invalid = Varlinkctl.run("call", address, "io.jimg.test.Echo", "{\"text\":1}");
    assertTrue(invalid.output().contains("org.varlink.service.InvalidParameter"), invalid.output());
  }

  @Test
  void aOnewayCallGetsNoReplyAndLeavesTheServiceServing() {
    assertEquals("", Varlinkctl.succeeded(Varlinkctl.run("call", "--oneway", address, "io.jimg.test.Echo",
        "{\"text\":\"hi\"}")).trim());
    Varlinkctl.succeeded(Varlinkctl.run("info", address));
  }

  @Test
  void aUserOtherThanRootMayReadButNotChange() {
    Commands.Result denied = Varlinkctl.runAsNobody("call", address, "io.jimg.test.Change", "{\"name\":\"x\"}");
    assertNotEquals(0, denied.exitCode());
    assertTrue(denied.output().contains("org.varlink.service.PermissionDenied"), denied.output());
    assertEquals("{\"text\":\"hi\"}", Varlinkctl.compact(Varlinkctl.succeeded(Varlinkctl.runAsNobody("call", address,
        "io.jimg.test.Echo", "{\"text\":\"hi\"}"))));
    assertEquals("{}", Varlinkctl.compact(Varlinkctl.succeeded(Varlinkctl.run("call", address, "io.jimg.test.Change",
        "{\"name\":\"x\"}"))));
  }

}
