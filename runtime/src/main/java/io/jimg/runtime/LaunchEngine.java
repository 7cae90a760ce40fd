package io.jimg.runtime;

import io.jimg.images.ImageStore;
import io.jimg.images.JimgException;
import java.io.IOException;
import java.util.Objects;

/** Turns a prepared root and a spec into a command that runs it; {@link Launcher} runs that command. */
public interface LaunchEngine {
  /** The engine's name as the command line spells it: {@code nspawn} or {@code chroot}. */
  String name();

  Launch launch(PreparedRoot root, LaunchSpec spec) throws IOException;

  /**
   * systemd-nspawn: full container isolation. Without systemd-machined reachable it runs with
   * {@code --register=no --keep-unit}. jimg holds the image locks itself and tells nspawn not to take them.
   */
  static LaunchEngine nspawn() {
    return new NspawnEngine(MachineRegistry.probe());
  }

  /**
   * A plain chroot in new mount, PID, UTS and IPC namespaces, for hosts without systemd-nspawn. It is NOT a
   * security boundary and does not isolate the network: the payload runs as root with the host's network,
   * devices, capabilities and kernel keyring, and a hostile root can escape a chroot. Use it only for roots
   * you trust. {@code store} provides a hidden name to stage read-only roots and bind mounts on.
   */
  static LaunchEngine chroot(ImageStore store) {
    return new ChrootEngine(Pool.of(Objects.requireNonNull(store, "store")));
  }

  /**
   * The engine the command line names ({@code nspawn} or {@code chroot}); null picks systemd-nspawn where it is
   * installed and the chroot engine elsewhere.
   */
  static LaunchEngine named(String name, ImageStore store) throws JimgException {
    if (name == null) {
      return Executables.isInstalled("systemd-nspawn") ? nspawn() : chroot(store);
    }
    switch (name) {
      case "nspawn":
        return nspawn();
      case "chroot":
        return chroot(store);
      default:
        throw new JimgException(JimgException.Reason.USAGE, "unknown engine " + name
            + ": choose nspawn or chroot");
    }
  }
}
