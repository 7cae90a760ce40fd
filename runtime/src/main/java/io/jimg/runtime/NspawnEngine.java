package io.jimg.runtime;

import io.jimg.btrfs.Signals;
import io.jimg.images.ImageType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Runs a root with systemd-nspawn. jimg's lease already holds the locks nspawn would take on the image, so
 * nspawn runs with {@code SYSTEMD_NSPAWN_LOCK=0} instead of failing on them; an ephemeral root is an ordinary
 * directory to it ({@code -x} would copy the root again).
 *
 * <p>Without a command the image boots, unless its {@code NAME.nspawn}, where nspawn finds it for the machine's
 * name, says {@code Boot=no}: then nspawn runs what the file says ({@code Parameters=}, {@code Environment=},
 * {@code User=}, {@code WorkingDirectory=}), as it does for an OCI image's config. An ephemeral root gets the
 * settings beside its image through {@link MachineSettings}.
 *
 * <p>Where systemd-machined is reachable the container is registered (and visible to {@code machinectl}); a
 * {@code --as-pid2} payload still dies with a killed jimg, but a booted container's init outlives a SIGKILL of
 * jimg there, registered as a machine for {@code machinectl terminate}. Without machined nspawn runs inside a
 * PID namespace of its own that dies with jimg, taking every container process along.
 */
final class NspawnEngine implements LaunchEngine {
  /** nspawn keeps its own runtime state here and fails where it is missing. */
  static final Path RUNTIME_DIRECTORY = Path.of("/run/systemd/nspawn");

  private final MachineRegistry registry;

  NspawnEngine(MachineRegistry registry) {
    this.registry = registry;
  }

  @Override
  public String name() {
    return "nspawn";
  }

  @Override
  public Launch launch(PreparedRoot root, LaunchSpec spec) throws IOException {
    Files.createDirectories(RUNTIME_DIRECTORY);
    List<String> command = new ArrayList<>();
    if (!registry.reachable()) {
      // nspawn runs as init of a PID namespace that dies with it, so that a booted container's own init (which
      // survives a SIGKILL of nspawn) dies too. Only unregistered: machined would be told PIDs of this namespace.
      command.addAll(List.of(Executables.find("unshare", "util-linux"), "--fork", "--pid", "--kill-child=KILL",
          "--"));
    }
    command.add(Executables.find("systemd-nspawn", "systemd-container"));
    command.add("--quiet");
    boolean raw = root.image().type() == ImageType.RAW || root.image().type() == ImageType.BLOCK;
    String machine = machineName(root);
    MachineSettings settings = MachineSettings.place(root, machine);
    try {
      Path rootPath = settings == null ? root.path() : settings.root();
      command.add((raw ? "--image=" : "--directory=") + rootPath);
      command.add("--machine=" + machine);
      if (!registry.reachable()) {
        command.add("--register=no");
        command.add("--keep-unit");
      }
      if (spec.readOnly()) {
        command.add("--read-only");
      }
      for (LaunchSpec.Bind bind : spec.binds()) {
        command.add("--bind=" + bind.asOption());
      }
      spec.environment().forEach((key, value) -> command.add("--setenv=" + key + "=" + value));
      if (spec.boots()) {
        // An image whose settings say Boot=no (an OCI image's) runs their Parameters=: nspawn reads them only
        // where the command line sets no start mode, and finds them by the machine's name, beside the root.
        if (!SettingsFiles.saysNoBoot(machine, rootPath)) {
          command.add("--boot");
        }
      } else {
        command.add("--as-pid2");
        command.add("--");
        command.addAll(spec.command());
      }
    } catch (IOException | RuntimeException e) {
      if (settings != null) {
        settings.close();
      }
      throw e;
    }
    // unshare blocks SIGINT and SIGTERM: signals for the container go to nspawn, its child. nspawn ignores
    // SIGHUP; a hang-up asks for its orderly shutdown instead. nspawn's status after a signal is 1 (it kills the
    // payload with SIGKILL) or 0 (a booted container shut down): the run reports 128 + the signal, as chroot does.
    return new Launch(command, Map.of("SYSTEMD_NSPAWN_LOCK", "0"), false, registry.reachable() ? 0 : 1,
        Map.of(Signals.SIGHUP, Signals.SIGTERM), settings, true);
  }

  /**
   * The image's name, so that nspawn finds its {@code NAME.nspawn} settings; an ephemeral root that registers
   * with machined gets a random suffix as nspawn's own {@code -x} does, so that two of them can run at once.
   */
  private String machineName(PreparedRoot root) {
    String name = root.image().name();
    if (root.isEphemeral() && registry.reachable()) {
      byte[] random = new byte[8];
      new SecureRandom().nextBytes(random);
      String suffix = "-" + HexFormat.of().formatHex(random);
      name = name.substring(0, Math.min(name.length(), 64 - suffix.length())) + suffix;
    }
    return name;
  }
}
