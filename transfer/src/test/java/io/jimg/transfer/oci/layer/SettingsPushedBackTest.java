package io.jimg.transfer.oci.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.images.CreateOptions;
import io.jimg.images.ImageStore;
import io.jimg.transfer.TestStores;
import io.jimg.transfer.TestTrees;
import io.jimg.transfer.oci.ImageReference;
import io.jimg.transfer.oci.push.OciPusher;
import io.jimg.transfer.oci.push.PushOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An image made by umoci with an awkward Entrypoint, Cmd and Env, brought in as a pull brings it (its layers
 * applied, its config written as NAME.nspawn), then pushed: the pushed config, read by skopeo, runs the same
 * command (Entrypoint then Cmd) with the same environment, user and working directory.
 */
class SettingsPushedBackTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theConfigComesBackThroughTheNspawnSettings() throws Exception {
    Path work = BTRFS.newDirectory("settings");
    UmociLayout oci = UmociLayout.create(work.resolve("oci"), "app");
    String image = work.resolve("oci") + ":app";
    TestTrees.bash("cd " + work + " && umoci unpack --image " + image + " b && mkdir -p b/rootfs/srv/app"
        + " && echo hi > b/rootfs/srv/app/hello && umoci repack --image " + image + " b"
        + " && umoci config --image " + image + " --config.entrypoint /bin/sh --config.entrypoint -c"
        + " --config.cmd 'echo \"$GREETING\" it'\"'\"'s a\\b' --config.cmd ' two  spaces '"
        + " --config.env 'GREETING=hello world' --config.env 'QUOTED=say \"hi\"' --config.env EMPTY="
        + " --config.user daemon --config.workingdir /srv/app");
    JsonNode original = JSON.readTree(Commands.run("skopeo", "inspect", "--config", "oci:" + image)).path("config");
    assertEquals(List.of("echo \"$GREETING\" it's a\\b", " two  spaces "), strings(original.path("Cmd")),
        "umoci wrote it so");

    ImageStore store = TestStores.on(BTRFS.newDirectory("pool")).build();
    store.createTree("pulled", CreateOptions.DEFAULT, LayerApplier.builder().build().stacking(oci.layers("app")));
    store.writeSettings("pulled", NspawnSettings.bytes(strings(original.path("Entrypoint")),
        strings(original.path("Cmd")), strings(original.path("Env")), original.path("User").asText(),
        original.path("WorkingDir").asText()));
    Path layout = work.resolve("pushed");
    OciPusher.builder(store).build().push("pulled", ImageReference.parse("oci:" + layout + ":v1"),
        PushOptions.defaults());

    JsonNode pushed = JSON.readTree(Commands.run("skopeo", "inspect", "--config", "oci:" + layout + ":v1"))
        .path("config");
    assertEquals(command(original), command(pushed));
    assertEquals(strings(original.path("Env")), strings(pushed.path("Env")));
    assertEquals("daemon", pushed.path("User").asText());
    assertEquals("/srv/app", pushed.path("WorkingDir").asText());
  }

  /** What runs: the Entrypoint, then the Cmd. */
  private static List<String> command(JsonNode config) {
    List<String> command = new ArrayList<>(strings(config.path("Entrypoint")));
    command.addAll(strings(config.path("Cmd")));
    return command;
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(value -> values.add(value.asText()));
    return values;
  }
}
