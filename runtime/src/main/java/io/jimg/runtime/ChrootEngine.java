package io.jimg.runtime;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.Linux;
import io.jimg.btrfs.NativeException;
import io.jimg.btrfs.Stat;
import io.jimg.images.ExecSettings;
import io.jimg.images.ImageType;
import io.jimg.images.JimgException;
import java.io.IOException;
import java.nio.file.Path;
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
 *
 * <p>The host's programs that start the payload run with jimg's own few variables only: {@code chroot} execs
 * the payload, so whatever it carries the host's dynamic loader also reads to load {@code chroot} itself (an
 * {@code LD_PRELOAD}, say). The spec's variables are set inside the root by the image's {@code /usr/bin/env},
 * which is the image's own code like the payload it starts.
 */
final class ChrootEngine implements LaunchEngine {
  private static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  private static final String IMAGE_ENV = "/usr/bin/env";

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
    ExecSettings settings = spec.boots() ? settingsOf(root) : ExecSettings.NONE;
    List<String> payload = payload(root, spec, settings);
    ChrootStaging staging = spec.readOnly() || !spec.binds().isEmpty() ? ChrootStaging.stage(pool, root, spec) : null;
    String top = staging == null ? root.path().toString() : staging.path().toString();
    List<String> command = new ArrayList<>(List.of(unshare, "--fork", "--pid", "--mount", "--uts", "--ipc",
        "--kill-child=KILL", "--mount-proc=" + top + "/proc", timeout, "--foreground", "0", chroot));
    if (settings.user() != null) {
      // chroot looks the user up again inside the root, in the image's own /etc/passwd.
      command.add("--userspec=" + settings.user());
    }
    command.add(top);
    command.addAll(payload);
    Map<String, String> environment = new LinkedHashMap<>();
    environment.put("PATH", DEFAULT_PATH);
    environment.put("HOME", "/root");
    environment.put("container", "jimg-chroot");
    String term = System.getenv("TERM");
    if (term != null) {
      environment.put("TERM", term);
    }
    return new Launch(command, environment, true, 2, Map.of(), staging);
  }

  /**
   * The image's settings where they say {@code Boot=no} (an OCI image's): what runs instead of a shell when the
   * spec boots, as nspawn would run it. The keys read are none of those nspawn withholds from a file it does not
   * trust, so the file counts wherever nspawn would find it for a machine of the image's name.
   */
  private static ExecSettings settingsOf(PreparedRoot root) throws IOException {
    Path file = SettingsFiles.find(root.image().name(), root.image().path());
    if (file == null) {
      return ExecSettings.NONE;
    }
    ExecSettings settings = ExecSettings.parse(ExecSettings.readFile(file), "settings file " + file);
    return settings.saysNoBoot() ? settings : ExecSettings.NONE;
  }

  /**
   * The command as {@code chroot} runs it: through the image's {@code env} where variables are set (the settings'
   * {@code Environment=}, then the spec's) or a working directory is. Checks the root's {@code /proc} too, where
   * {@code unshare} mounts the container's: a symlink there would have that mount land elsewhere in the
   * container's namespace, and jimg never see it (see {@link ChrootStaging}).
   */
  private static List<String> payload(PreparedRoot root, LaunchSpec spec, ExecSettings settings)
      throws IOException {
    List<String> command = !spec.boots() ? spec.command()
        : settings.parameters().isEmpty() ? List.of("/bin/sh") : settings.parameters();
    Map<String, String> environment = new LinkedHashMap<>();
    for (String assignment : settings.environment()) {
      int equals = assignment.indexOf('=');
      if (equals > 0) {
        environment.put(assignment.substring(0, equals), assignment.substring(equals + 1));
      }
    }
    environment.putAll(spec.environment());
    try (Fd rootFd = Fd.openDirectory(root.path())) {
      Stat proc = rootFd.statIfExists("proc");
      if (proc == null || !proc.isDirectory()) {
        throw new JimgException(JimgException.Reason.FAILED, "the chroot engine cannot run image "
            + root.image().name() + ": its /proc is " + (proc == null ? "missing" : "not a directory")
            + ", and the container's /proc is mounted there");
      }
      if (environment.isEmpty() && settings.workingDirectory() == null) {
        return command;
      }
      requireEnv(rootFd, root,
          spec.environment().isEmpty() ? "the Environment= and WorkingDirectory= of its settings" : "--setenv");
    }
    if (command.get(0).indexOf('=') >= 0) {
      throw new JimgException(JimgException.Reason.USAGE, "the chroot engine cannot set variables for "
          + command.get(0) + ": env would take a command whose name holds '=' for one more variable");
    }
    List<String> withEnvironment = new ArrayList<>(List.of(IMAGE_ENV));
    if (settings.workingDirectory() != null) {
      withEnvironment.add("--chdir=" + settings.workingDirectory());
    }
    withEnvironment.add("--");
    environment.forEach((key, value) -> withEnvironment.add(key + "=" + value));
    withEnvironment.addAll(command);
    return withEnvironment;
  }

  private static void requireEnv(Fd rootFd, PreparedRoot root, String needer) throws JimgException {
    String problem;
    try (Fd env = rootFd.resolve(IMAGE_ENV.substring(1), Linux.O_PATH,
        Linux.RESOLVE_IN_ROOT | Linux.RESOLVE_NO_MAGICLINKS)) {
      Stat stat = env.stat();
      if (stat.isRegular() && (stat.permissions() & 0111) != 0) {
        return;
      }
      problem = "not an executable file";
    } catch (NativeException e) {
      problem = e.errnoName() + " (" + e.description() + ")";
    }
    throw new JimgException(JimgException.Reason.FAILED, needer + " need" + (needer.startsWith("--") ? "s " : " ")
        + IMAGE_ENV + " in image " + root.image().name() + " with the chroot engine, which sets them inside the root"
        + " with it: " + IMAGE_ENV + " is " + problem);
  }
}
