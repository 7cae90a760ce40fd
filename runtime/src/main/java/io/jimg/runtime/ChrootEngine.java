package io.jimg.runtime;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.FileNames;
import io.jimg.btrfs.Linux;
import io.jimg.btrfs.Mounts;
import io.jimg.btrfs.ReadOnly;
import io.jimg.images.ImageType;
import io.jimg.images.JimgException;
import io.jimg.images.Scratch;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A chroot in new mount, PID, UTS and IPC namespaces through util-linux's {@code unshare}. Not a security
 * boundary and no network isolation: see {@link LaunchEngine#chroot}.
 *
 * <p>The outer {@code unshare} blocks SIGINT and SIGTERM and kills the namespace with SIGKILL when it dies
 * ({@code --kill-child}); coreutils' {@code timeout --foreground 0} (no time limit) is the namespace's init, so
 * that the payload runs as PID 2, where signals act on it as anywhere else (an init ignores signals it has no
 * handler for). {@code timeout} rather than a second {@code unshare --fork}: a payload killed by signal N makes
 * it exit 128 + N, as a shell reports it, where {@code unshare} tries to re-raise the signal on itself, which an
 * init cannot, and exits 1.
 */
final class ChrootEngine implements LaunchEngine {
  private static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  private final Pool pool;

  ChrootEngine(Pool pool) {
    this.pool = pool;
  }

  @Override
  public String name() {
    return "chroot";
  }

  @Override
  public Launch launch(PreparedRoot root, LaunchSpec spec) throws IOException {
    ImageType type = root.image().type();
    if (type != ImageType.DIRECTORY && type != ImageType.SUBVOLUME) {
      throw new JimgException(JimgException.Reason.USAGE, "the chroot engine cannot run "
          + type.label() + " image " + root.image().name() + ": use --engine=nspawn");
    }
    String unshare = Executables.find("unshare", "util-linux");
    String chroot = Executables.find("chroot", "coreutils");
    String timeout = Executables.find("timeout", "coreutils");
    Scratch staging = spec.readOnly() || !spec.binds().isEmpty() ? stage(root, spec) : null;
    try {
      String top = staging == null ? root.path().toString() : staging.path().toString();
      List<String> command = new ArrayList<>(List.of(unshare, "--fork", "--pid", "--mount", "--uts", "--ipc",
          "--kill-child=KILL", "--mount-proc=" + top + "/proc", timeout, "--foreground", "0", chroot, top));
      command.addAll(spec.boots() ? List.of("/bin/sh") : spec.command());
      Map<String, String> environment = new LinkedHashMap<>();
      environment.put("PATH", DEFAULT_PATH);
      environment.put("HOME", "/root");
      environment.put("container", "jimg-chroot");
      String term = System.getenv("TERM");
      if (term != null) {
        environment.put("TERM", term);
      }
      environment.putAll(spec.environment());
      return new Launch(command, environment, true, 2, Map.of(), staging == null ? null : new Launch.Staging() {
        @Override
        public void started(Process process) {}

        @Override
        public void close() throws IOException {
          unstage(staging);
        }
      });
    } catch (RuntimeException e) {
      if (staging != null) {
        unstage(staging);
      }
      throw e;
    }
  }

  /**
   * Binds the root (read-only if asked) on a hidden scratch name and the spec's binds below it, all in the
   * host's namespace, where the sweeper of a killed run finds and detaches them.
   */
  private Scratch stage(PreparedRoot root, LaunchSpec spec) throws IOException {
    try (Fd rootFd = Fd.openDirectory(root.path())) {
      for (LaunchSpec.Bind bind : spec.binds()) {
        ensureDirectory(rootFd, bind.destination(), spec.readOnly());
      }
    }
    Scratch staging = pool.scratch();
    try {
      staging.pool().mkdir(staging.name(), 0700);
      Mounts.bind(root.path().toString(), staging.pool(), staging.name(), ReadOnly.of(spec.readOnly()));
      try (Fd top = staging.pool().openDirectory(staging.name())) {
        for (LaunchSpec.Bind bind : spec.binds()) {
          String destination = bind.destination().replaceAll("/+$", "");
          int slash = destination.lastIndexOf('/');
          String parent = destination.substring(1, slash);
          try (Fd parentFd = parent.isEmpty()
              ? top.openDirectory(FileNames.bytes("."))
              : top.resolve(parent, Linux.O_PATH | Linux.O_DIRECTORY, Linux.RESOLVE_IN_ROOT)) {
            Mounts.bind(bind.source().toString(), parentFd, FileNames.bytes(destination.substring(slash + 1)),
                ReadOnly.NO);
          }
        }
      }
      return staging;
    } catch (IOException | RuntimeException e) {
      unstage(staging);
      throw e;
    }
  }

  /** Creates a missing mount point in the root itself, as systemd-nspawn does; a read-only root must have it. */
  private static void ensureDirectory(Fd root, String destination, boolean readOnly) throws IOException {
    String prefix = "";
    for (String component : destination.split("/")) {
      if (component.isEmpty()) {
        continue;
      }
      // Each level is resolved from the root, so a symlink in the image stays inside it.
      try (Fd parent = prefix.isEmpty()
          ? root.openDirectory(FileNames.bytes("."))
          : root.resolve(prefix, Linux.O_RDONLY | Linux.O_DIRECTORY, Linux.RESOLVE_IN_ROOT)) {
        byte[] name = FileNames.bytes(component);
        if (parent.statIfExists(name) == null) {
          if (readOnly) {
            throw new JimgException(JimgException.Reason.USAGE, "bind destination " + destination
                + " does not exist in read-only root " + root.path() + ": create it in the image first");
          }
          parent.mkdir(name, 0755);
        }
      }
      prefix = prefix.isEmpty() ? component : prefix + "/" + component;
    }
  }

  private static void unstage(Scratch staging) throws IOException {
    try {
      Mounts.unmount(staging.pool(), staging.name());
    } finally {
      staging.close();
    }
  }
}
