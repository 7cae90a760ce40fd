package io.jimg.transfer.testing;

import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.DebianRoot;
import io.jimg.btrfs.testing.Requirements;
import io.jimg.transfer.TestTrees;
import io.jimg.transfer.oci.OciLayout;
import io.jimg.transfer.oci.registry.Descriptor;
import io.jimg.transfer.oci.registry.ImageManifest;
import io.jimg.transfer.tar.TarBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * OCI images of a Debian minbase root, made by umoci in one layout, built once per JVM:
 * <ul>
 *   <li>{@code base}: the root as one gzip layer;
 *   <li>{@code app}: base, then a layer umoci repacks after {@code /usr/share/doc} and {@code /etc/issue} were
 *       removed and {@code /etc/x} written (whiteouts), then a layer that makes {@code /etc/apt} opaque with a new
 *       file in it and adds a hard link to a file of the base; its config runs {@code /bin/cat /etc/x} in
 *       {@code /etc} with {@code FOO=bar};
 *   <li>{@code app2}: base and one small layer of its own.
 * </ul>
 * {@link #push} copies a tag to a registry with skopeo; {@link #unpacked} is umoci's own unpacking of a tag, the
 * tree a pull must give.
 */
public final class DebianOciImages {
  public static final String CMD = "/bin/cat /etc/x";
  public static final String X = "made by umoci\n";

  private static DebianOciImages built;

  private final Path work;
  private final Path layout;

  private DebianOciImages(Path work) {
    this.work = work;
    this.layout = work.resolve("oci");
  }

  /** The images, built on first use in this JVM under /var/tmp and removed when it exits. */
  public static synchronized DebianOciImages get() throws IOException {
    if (built == null) {
      Requirements.requireTool("umoci");
      Requirements.requireTool("skopeo");
      Path work = Files.createTempDirectory(Path.of("/var/tmp"), "jimg-oci-images-");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> Commands.exec("rm", "-rf", work.toString())));
      DebianOciImages images = new DebianOciImages(work);
      images.build();
      built = images;
    }
    return built;
  }

  private void build() throws IOException {
    String root = DebianRoot.minbase().toString();
    bash("umoci init --layout oci && umoci new --image oci:base && umoci unpack --image oci:base b1 >/dev/null"
        + " && cp -a " + root + "/. b1/rootfs/ && umoci repack --image oci:base b1");
    bash("umoci unpack --image oci:base b2 >/dev/null && rm -rf b2/rootfs/usr/share/doc b2/rootfs/etc/issue"
        + " && printf '" + X.replace("\n", "\\n") + "' > b2/rootfs/etc/x && umoci repack --image oci:app b2");
    byte[] third = new TarBuilder().dir("etc/apt/").file("etc/apt/.wh..wh..opq", "").dir("etc/apt/new/")
        .file("etc/apt/new/file", "new\n").file("etc/apt/sources.list", "deb local\n")
        .hardlink("passwd-link", "etc/passwd").end().bytes();
    Files.write(work.resolve("third.tar"), third);
    bash("umoci raw add-layer --image oci:app third.tar && umoci config --image oci:app --config.cmd /bin/cat"
        + " --config.cmd /etc/x --config.env FOO=bar --config.workingdir /etc");
    bash("umoci unpack --image oci:base b3 >/dev/null && echo second > b3/rootfs/etc/second"
        + " && umoci repack --image oci:app2 b3 && rm -rf b1 b2 b3 third.tar");
  }

  /** The layout holding the tags. */
  public Path layout() {
    return layout;
  }

  /** {@code oci:LAYOUT:tag}, as skopeo names it. */
  public String reference(String tag) {
    return "oci:" + layout + ":" + tag;
  }

  /** A registry started on loopback with {@code app} and {@code app2} as {@code deb:app} and {@code deb:app2}. */
  public RegistryServer startRegistry() throws IOException, InterruptedException {
    RegistryServer registry = RegistryServer.start();
    try {
      push(registry, "app", "deb", "app");
      push(registry, "app2", "deb", "app2");
      return registry;
    } catch (RuntimeException e) {
      registry.close();
      throw e;
    }
  }

  /** Copies {@code tag} to {@code registry} as {@code repository:remoteTag}, with the registry's credentials. */
  public void push(RegistryServer registry, String tag, String repository, String remoteTag) {
    List<String> command = new ArrayList<>(List.of("skopeo", "copy", "--quiet", "--dest-tls-verify=false"));
    if (registry.requiresCredentials()) {
      command.add("--dest-creds=" + RegistryServer.USER + ":" + RegistryServer.PASSWORD);
    }
    command.add(reference(tag));
    command.add("docker://" + registry.host() + "/" + repository + ":" + remoteTag);
    Commands.run(command);
  }

  /** The digests of the layers of {@code tag}, bottom first, as its manifest lists them. */
  public List<String> layerDigests(String tag) throws IOException {
    try (OciLayout oci = OciLayout.open(layout)) {
      Descriptor manifest = oci.find(tag);
      return ImageManifest.parse(oci.readBlob(manifest.digest(), 1 << 20), manifest.mediaType(), tag).layers()
          .stream().map(layer -> layer.digest().toString()).toList();
    }
  }

  /** {@code umoci raw unpack} of {@code tag}, made once: the tree jimg's pull must equal. */
  public synchronized Path unpacked(String tag) {
    Path tree = work.resolve("unpacked-" + tag);
    if (!Files.isDirectory(tree)) {
      bash("umoci raw unpack --image oci:" + tag + " unpacked-" + tag);
    }
    return tree;
  }

  /** {@link TestTrees#describe} of {@link #unpacked}, made once. */
  public synchronized String described(String tag) throws IOException {
    Path description = work.resolve("described-" + tag);
    if (!Files.exists(description)) {
      Files.writeString(description, TestTrees.describe(unpacked(tag)));
    }
    return Files.readString(description);
  }

  private void bash(String script) {
    try {
      TestTrees.bash("cd " + work + " && " + script);
    } catch (RuntimeException e) {
      throw new UncheckedIOException(new IOException("building the OCI test images failed", e));
    }
  }
}
