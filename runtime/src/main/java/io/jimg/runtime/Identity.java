package io.jimg.runtime;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.FileNames;
import io.jimg.btrfs.Linux;
import io.jimg.btrfs.NativeException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** A machine's identity inside its root: {@code /etc/machine-id} and {@code /etc/hostname}. */
record Identity(String hostname, String machineId) {
  /** RFC 1123 labels; systemd allows at most 64 characters in all. */
  private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
  private static final Pattern MACHINE_ID = Pattern.compile("[0-9a-f]{32}");
  private static final int HOSTNAME_MAX = 64;

  Identity {
    if (!isValidHostname(hostname)) {
      throw new IllegalArgumentException("not a valid host name (at most " + HOSTNAME_MAX
          + " characters of letters, digits, '-' and '.'): " + hostname);
    }
    if (!MACHINE_ID.matcher(machineId).matches()) {
      throw new IllegalArgumentException("not a machine ID (32 lower-case hex digits): " + machineId);
    }
  }

  static Identity random(String hostname, SecureRandom random) {
    byte[] id = new byte[16];
    random.nextBytes(id);
    return new Identity(hostname, HexFormat.of().formatHex(id));
  }

  static boolean isValidHostname(String name) {
    if (name == null || name.isEmpty() || name.length() > HOSTNAME_MAX) {
      return false;
    }
    for (String label : name.split("\\.", -1)) {
      if (!LABEL.matcher(label).matches()) {
        return false;
      }
    }
    return true;
  }

  /** Writes both files into the root's /etc (never through a symlink the root holds). */
  void writeInto(Fd root) throws NativeException {
    try (Fd etc = root.resolve("etc", Linux.O_RDONLY | Linux.O_DIRECTORY, Linux.RESOLVE_IN_ROOT)) {
      replace(etc, "machine-id", machineId + "\n", 0444);
      replace(etc, "hostname", hostname + "\n", 0644);
    }
  }

  /** Replaces a file with fresh content: an existing name (a symlink, say) is unlinked, never written through. */
  private static void replace(Fd directory, String name, String content, int mode) throws NativeException {
    byte[] bytes = FileNames.bytes(name);
    if (directory.statIfExists(bytes) != null) {
      directory.unlink(bytes);
    }
    try (Fd file = directory.open(bytes, Linux.O_WRONLY | Linux.O_CREAT | Linux.O_EXCL, mode)) {
      byte[] data = content.getBytes(StandardCharsets.US_ASCII);
      file.pwriteFully(data, data.length, 0);
      file.chmod(mode); // the umask has had its say
    }
  }
}
