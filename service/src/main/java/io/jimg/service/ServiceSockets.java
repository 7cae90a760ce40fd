package io.jimg.service;

import io.jimg.btrfs.Directories;
import io.jimg.btrfs.Fd;
import io.jimg.btrfs.FileNames;
import io.jimg.btrfs.NativeException;
import io.jimg.btrfs.SocketActivation;
import io.jimg.btrfs.UnixSockets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The sockets the service listens on: those a service manager passed (socket activation), or else its own,
 * bound in a directory made and checked by the store's rules (root's, writable by root only, every directory on
 * the way root's), with mode 0666 so that any user may connect; what a user may call is decided per method, by
 * peer credentials.
 */
public final class ServiceSockets {
  private ServiceSockets() {}

  /** The directory jimg's sockets are in. */
  public static final Path DIRECTORY = Path.of("/run/jimg");
  /** The socket that serves every interface, when jimg binds its own. */
  public static final Path DEFAULT = DIRECTORY.resolve("io.jimg");
  private static final int BACKLOG = 128;

  /** The sockets a service listens on, and whether a service manager passed them (it then starts it again). */
  public record Opened(List<Fd> sockets, boolean activated) {}

  /** The passed sockets, where this process was given any; else {@code path}, bound anew. */
  public static Opened open(Map<String, String> environment, Path path) throws NativeException {
    List<SocketActivation.Socket> passed = SocketActivation.listeningSockets(environment,
        ProcessHandle.current().pid());
    if (passed.isEmpty()) {
      return new Opened(List.of(bind(path)), false);
    }
    List<Fd> sockets = new ArrayList<>();
    passed.forEach(socket -> sockets.add(socket.descriptor()));
    return new Opened(List.copyOf(sockets), true);
  }

  /** A listening socket at {@code path}, its directory made (0755) where missing; a stale socket there is replaced. */
  public static Fd bind(Path path) throws NativeException {
    Path absolute = path.toAbsolutePath();
    try (Fd directory = Directories.ensure(absolute.getParent(), 0755, false)) {
      return UnixSockets.listen(directory, FileNames.bytes(absolute.getFileName().toString()), 0666, BACKLOG);
    }
  }
}
