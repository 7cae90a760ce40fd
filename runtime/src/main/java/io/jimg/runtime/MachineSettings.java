package io.jimg.runtime;

import io.jimg.btrfs.DescriptorOutputStream;
import io.jimg.btrfs.Fd;
import io.jimg.btrfs.FileNames;
import io.jimg.btrfs.Linux;
import io.jimg.btrfs.NativeException;
import io.jimg.images.ExecSettings;
import io.jimg.images.JimgException.Reason;
import io.jimg.images.JimgException;
import io.jimg.images.Scratch;
import io.jimg.images.spi.Descriptors;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * An image's {@code NAME.nspawn} where systemd-nspawn finds it for an ephemeral root. nspawn looks for settings
 * by the machine's name, in /etc/systemd/nspawn and /run/systemd/nspawn and then beside the root it is given; an
 * ephemeral root is a scratch name of the writable pool (not always the image's pool), and one that registers
 * with machined runs as {@code NAME-<random>}, so nspawn found no settings beside it, and an OCI image, whose
 * settings say {@code Boot=no}, was booted. The settings found beside the image are copied, under the machine's
 * name, into a private directory (a scratch name of its own) beside a symbolic link to the root, and nspawn is
 * given the link: it reads them as it reads any file beside an image, untrusted, so privileged settings stay
 * ignored. Closed once nspawn has ended; after a SIGKILL the scratch name is swept as any other.
 */
final class MachineSettings implements Launch.Staging {
  private static final String LINK = "root";

  private final Scratch scratch;

  private MachineSettings(Scratch scratch) {
    this.scratch = scratch;
  }

  /**
   * Places the settings beside the image of ephemeral {@code root} for {@code machine}; null where there is
   * nothing to place (a root that is the image itself, an image without settings beside it).
   */
  static MachineSettings place(PreparedRoot root, String machine) throws IOException {
    Pool pool = root.pool();
    if (!root.isEphemeral() || pool == null) {
      return null;
    }
    Path beside = SettingsFiles.besideImage(root.image().name(), root.image().path());
    if (beside == null) {
      return null;
    }
    byte[] content = ExecSettings.readFile(beside);
    Scratch scratch = pool.scratch();
    try {
      Fd poolFd = Descriptors.pool(scratch);
      poolFd.mkdir(scratch.name(), 0700);
      try (Fd directory = poolFd.openDirectory(scratch.name())) {
        directory.symlink(FileNames.bytes(root.path().toString()), FileNames.bytes(LINK));
        Fd file = directory.open(FileNames.bytes(machine + ".nspawn"),
            Linux.O_WRONLY | Linux.O_CREAT | Linux.O_EXCL | Linux.O_NOFOLLOW, 0644);
        try (OutputStream out = new DescriptorOutputStream(file)) {
          out.write(content);
        }
      }
      return new MachineSettings(scratch);
    } catch (NativeException e) {
      scratch.close();
      throw new JimgException(Reason.FAILED, "cannot place the settings of " + root.image().name() + " for machine "
          + machine + " in " + scratch.path() + ": " + e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      scratch.close();
      throw e;
    }
  }

  /** The path nspawn is given for the root: the link beside the settings. */
  Path root() {
    return scratch.path().resolve(LINK);
  }

  @Override
  public void started(Process process) {}

  @Override
  public void close() {
    scratch.close();
  }
}
