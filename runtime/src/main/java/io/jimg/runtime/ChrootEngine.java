package io.jimg.runtime;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.Stat;
import io.jimg.images.ImageType;
import io.jimg.images.JimgException;
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
    List<String> payload = payload(root, spec);
    ChrootStaging staging = spec.readOnly() || !spec.binds().isEmpty() ? ChrootStaging.stage(pool, root, spec) : null;
    String top = staging == null ? root.path().toString() : staging.path().toString();
    List<String> command = new ArrayList<>(List.of(unshare, "--fork", "--pid", "--mount", "--uts", "--ipc",
        "--kill-child=KILL", "--mount-proc=" + top + "/proc", timeout, "--foreground", "0", chroot, top));
    command.addAll(payload);
    Map<String, String> environment = new LinkedHashMap<>();
    environment.put("PATH", DEFAULT_PATH);
    environment.put("HOME", "/root");
    environment.put("container", "jimg-chroot");
    String term = System.getenv("TERM");
    if (term != null) {
      environment.put("TERM", term);
    }
    environment.putAll(spec.environment());
    return new Launch(command, environment, true, 2, Map.of(), staging);
  }

  /**
   * The command as {@code chroot} runs it. Checks the root's {@code /proc} first, where {@code unshare} mounts
   * the container's: a symlink there would have that mount land elsewhere in the container's namespace, and jimg
   * never see it (see {@link ChrootStaging}).
   */
  private static List<String> payload(PreparedRoot root, LaunchSpec spec) throws IOException {
    try (Fd rootFd = Fd.openDirectory(root.path())) {
      Stat proc = rootFd.statIfExists("proc");
      if (proc == null || !proc.isDirectory()) {
        throw new JimgException(JimgException.Reason.FAILED, "the chroot engine cannot run image "
            + root.image().name() + ": its /proc is " + (proc == null ? "missing" : "not a directory")
            + ", and the container's /proc is mounted there");
      }
    }
    return spec.boots() ? List.of("/bin/sh") : spec.command();
  }
}
