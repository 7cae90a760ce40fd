package io.jimg.btrfs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The listening sockets a service manager passed, as sd_listen_fds(3) defines them: {@code LISTEN_PID} must be
 * this process (the variables may have been inherited from a parent they were meant for), {@code LISTEN_FDS}
 * descriptors from 3 on, {@code LISTEN_FDNAMES} their names separated by colons. The variables are unset, so that
 * no child takes the sockets for its own, and each descriptor is marked close-on-exec.
 */
public final class SocketActivation {
  private SocketActivation() {}

  public static final List<String> VARIABLES = List.of("LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES");
  static final int FIRST_DESCRIPTOR = 3;
  /** More than any unit would pass; a larger count is a broken environment, not a list to walk. */
  static final int MAX_DESCRIPTORS = 64;
  private static final int F_SETFD = 2;
  private static final int FD_CLOEXEC = 1;

  /** One passed socket and the name the unit gave it ({@code unknown} where none). */
  public record Socket(String name, Fd descriptor) {}

  /**
   * The sockets passed to this process, empty where none were (no variables, or meant for another process).
   * A descriptor that is not a listening stream socket fails the call: a unit that passes something else is
   * wrong, and serving it would hang.
   */
  public static List<Socket> listeningSockets(Map<String, String> environment, long pid) throws NativeException {
    String listenPid = environment.get("LISTEN_PID");
    String listenFds = environment.get("LISTEN_FDS");
    String names = environment.get("LISTEN_FDNAMES");
    unsetVariables();
    if (listenPid == null || listenFds == null || !listenPid.equals(Long.toString(pid))) {
      return List.of();
    }
    int count;
    try {
      count = Integer.parseInt(listenFds);
    } catch (NumberFormatException e) {
      throw new NativeException("LISTEN_FDS=" + listenFds, "environment", Linux.EINVAL);
    }
    if (count < 0 || count > MAX_DESCRIPTORS) {
      throw new NativeException("LISTEN_FDS=" + listenFds, "environment", Linux.EINVAL);
    }
    String[] named = names == null ? new String[0] : names.split(":", -1);
    List<Socket> sockets = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int fd = FIRST_DESCRIPTOR + i;
      String name = i < named.length && !named[i].isEmpty() ? named[i] : "unknown";
      Fd descriptor = Fd.adopt(fd, "socket " + name + " (descriptor " + fd + ")");
      NativeException.check(Native.libc().fcntl(fd, F_SETFD, FD_CLOEXEC), "fcntl F_SETFD", descriptor);
      if (!UnixSockets.isListeningStream(descriptor)) {
        throw new NativeException("socket activation", descriptor.path() + " (not a listening stream socket)",
            Linux.EINVAL);
      }
      sockets.add(new Socket(name, descriptor));
    }
    return sockets;
  }

  /**
   * Removes the variables from the process's own environment, which children started without an environment of
   * their own inherit. The JDK keeps a copy taken at start: a caller that builds a child's environment from
   * {@code System.getenv()} removes {@link #VARIABLES} from it too.
   */
  private static void unsetVariables() {
    for (String variable : VARIABLES) {
      Native.libc().unsetenv(Native.cString(FileNames.bytes(variable)));
    }
  }
}
