package io.jimg.transfer.oci;

import io.jimg.btrfs.testing.Commands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Image layouts made by the real tools: umoci builds images from a small tree, skopeo copies them. */
final class UmociLayouts {
  private UmociLayouts() {}

  /** A layout at {@code layout} whose image {@code tag} has one layer holding {@code /hello}. */
  static void image(Path work, Path layout, String tag) throws IOException {
    if (!Files.exists(layout)) {
      Commands.run("umoci", "init", "--layout", layout.toString());
    }
    Commands.run("umoci", "new", "--image", layout + ":" + tag);
    Path bundle = work.resolve("bundle-" + tag);
    Commands.run("umoci", "unpack", "--image", layout + ":" + tag, bundle.toString());
    Files.writeString(bundle.resolve("rootfs/hello"), "hello from " + tag + "\n");
    Commands.run("umoci", "repack", "--image", layout + ":" + tag, bundle.toString());
  }

  /** skopeo's copy of {@code from} ({@code oci:DIR:TAG}) to {@code to} ({@code oci:…} or {@code oci-archive:…}). */
  static void copy(String from, String to) {
    Commands.run("skopeo", "copy", "--quiet", from, to);
  }

  /** The manifest skopeo reads for a reference: the bytes a layout's descriptor must lead to. */
  static String rawManifest(String reference) {
    return Commands.run("skopeo", "inspect", "--raw", reference);
  }
}
