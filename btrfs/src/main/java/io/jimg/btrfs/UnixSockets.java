package io.jimg.btrfs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * AF_UNIX sockets through libc, for the service: the JDK's channels can neither pass descriptors (SCM_RIGHTS) nor
 * adopt a listening socket a service manager hands over, nor tell who the peer is. Every socket is made with
 * SOCK_CLOEXEC, so that no child inherits one.
 */
public final class UnixSockets {
  private UnixSockets() {}

  static final int AF_UNIX = 1;
  static final int SOCK_STREAM = 1;
  static final int SOCK_DGRAM = 2;
  static final int SOCK_CLOEXEC = Linux.O_CLOEXEC;
  static final int SOL_SOCKET = 1;
  static final int SO_TYPE = 3;
  static final int SO_PEERCRED = 17;
  static final int SO_ACCEPTCONN = 30;
  static final int SHUT_RDWR = 2;
  static final int EADDRINUSE = 98;
  static final int ECONNABORTED = 103;
  static final int ECONNREFUSED = 111;
  /** struct sockaddr_un: a short family, then sun_path. */
  private static final int ADDRESS_SIZE = 110;
  private static final int PATH_CAPACITY = 108;

  /** Who is at the other end of a connection, as the kernel recorded it when the peer connected. */
  public record Peer(int pid, int uid, int gid) {
    public boolean isRoot() {
      return uid == 0;
    }

    @Override
    public String toString() {
      return "pid " + pid + " uid " + Integer.toUnsignedString(uid) + " gid " + Integer.toUnsignedString(gid);
    }
  }

  /**
   * A listening stream socket bound as {@code name} in {@code directory}, its file given {@code mode}. A socket
   * file already there is replaced only where nothing listens on it (a service that died left it); one that
   * answers, or a file that is not a socket, is left alone and the call fails with EADDRINUSE.
   */
  public static Fd listen(Fd directory, byte[] name, int mode, int backlog) throws NativeException {
    // The directory's /proc link anchors the name in the directory that was checked, whatever its path is now.
    byte[] prefix = FileNames.bytes("/proc/self/fd/" + directory.fd() + "/");
    byte[] anchored = Arrays.copyOf(prefix, prefix.length + name.length);
    System.arraycopy(name, 0, anchored, prefix.length, name.length);
    String shown = directory.pathOf(name);
    Fd socket = socket(SOCK_STREAM, shown);
    try {
      if (!bind(socket, anchored)) {
        requireStale(directory, name, anchored, shown);
        directory.unlink(name);
        if (!bind(socket, anchored)) {
          throw new NativeException("bind", shown, EADDRINUSE);
        }
      }
      directory.chmod(name, mode);
      NativeException.check(Native.libc().listen(socket.fd(), backlog), "listen", shown);
      return socket;
    } catch (NativeException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  /** A stream connection to the socket at {@code path}. */
  public static Fd connect(Path path) throws NativeException {
    return connect(path, SOCK_STREAM);
  }

  /** A datagram socket connected to {@code path}, such as the journal's. */
  public static Fd connectDatagram(Path path) throws NativeException {
    return connect(path, SOCK_DGRAM);
  }

  /**
   * The next connection, or null where the listening socket was {@link #shutdown shut down} (accept then fails
   * with EINVAL), which is how another thread stops an accepting one.
   */
  public static Fd accept(Fd listening) throws NativeException {
    while (true) {
      int fd = Native.libc().accept4(listening.fd(), null, null, SOCK_CLOEXEC);
      if (fd >= 0) {
        return Fd.adopt(fd, "connection on " + listening.path());
      }
      int errno = Native.errno();
      if (errno == Linux.EINVAL) {
        return null;
      }
      if (errno != Linux.EINTR && errno != ECONNABORTED) {
        throw new NativeException("accept4", listening.path(), errno);
      }
    }
  }

  /** The peer's credentials (SO_PEERCRED): struct ucred, pid, uid and gid. */
  public static Peer peer(Fd connection) throws NativeException {
    byte[] credentials = new byte[12];
    NativeException.check(Native.libc().getsockopt(connection.fd(), SOL_SOCKET, SO_PEERCRED, credentials,
        new int[] {credentials.length}), "getsockopt SO_PEERCRED", connection);
    ByteBuffer ucred = ByteBuffer.wrap(credentials).order(ByteOrder.nativeOrder());
    return new Peer(ucred.getInt(0), ucred.getInt(4), ucred.getInt(8));
  }

  /** Whether {@code socket} is a stream socket that listens, as a service manager's passed descriptor must be. */
  public static boolean isListeningStream(Fd socket) {
    return option(socket, SO_TYPE) == SOCK_STREAM && option(socket, SO_ACCEPTCONN) == 1;
  }

  /** Wakes every thread blocked in accept or receive on {@code socket}; the owner still closes it. */
  public static void shutdown(Fd socket) {
    Native.libc().shutdown(socket.fd(), SHUT_RDWR); // ENOTCONN where the peer already went: nothing to wake
  }

  /**
   * Waits at most {@code timeoutMillis} for the peer of {@code connection} to close it, and says whether it has.
   * POLLHUP, not POLLRDHUP: a client that shut down only its writing side (it sent its call and waits for the
   * replies) is still there; one that closed its socket or died has shut both, which is a hang-up. Neither waiting
   * data nor a reply being written disturbs the wait.
   */
  public static boolean awaitHangUp(Fd connection, int timeoutMillis) throws NativeException {
    short revents = Polling.await(connection, (short) 0, timeoutMillis); // a hang-up is reported unasked
    return (revents & (Polling.POLLHUP | Polling.POLLERR | Polling.POLLNVAL)) != 0;
  }

  private static int option(Fd socket, int name) {
    byte[] value = new byte[4];
    if (Native.libc().getsockopt(socket.fd(), SOL_SOCKET, name, value, new int[] {4}) < 0) {
      return -1;
    }
    return ByteBuffer.wrap(value).order(ByteOrder.nativeOrder()).getInt();
  }

  private static Fd socket(int type, String shown) throws NativeException {
    int fd = (int) NativeException.check(Native.libc().socket(AF_UNIX, type | SOCK_CLOEXEC, 0), "socket", shown);
    return Fd.adopt(fd, shown);
  }

  private static Fd connect(Path path, int type) throws NativeException {
    byte[] address = address(FileNames.bytes(path.toString()), path.toString());
    Fd socket = socket(type, path.toString());
    try {
      while (Native.libc().connect(socket.fd(), address, address.length) < 0) {
        if (Native.errno() != Linux.EINTR) {
          throw new NativeException("connect", path.toString(), Native.errno());
        }
      }
      return socket;
    } catch (NativeException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  /** Binds; false where the name is taken. */
  private static boolean bind(Fd socket, byte[] path) throws NativeException {
    byte[] address = address(path, socket.path());
    if (Native.libc().bind(socket.fd(), address, address.length) == 0) {
      return true;
    }
    if (Native.errno() == EADDRINUSE) {
      return false;
    }
    throw new NativeException("bind", socket.path(), Native.errno());
  }

  /** Fails unless {@code name} is a socket file on which nothing listens. */
  private static void requireStale(Fd directory, byte[] name, byte[] anchored, String shown) throws NativeException {
    Stat stat = directory.stat(name);
    if (stat.type() != Linux.S_IFSOCK) {
      throw new NativeException("bind", shown + " (not a socket)", EADDRINUSE);
    }
    byte[] address = address(anchored, shown);
    try (Fd probe = socket(SOCK_STREAM, shown)) {
      if (Native.libc().connect(probe.fd(), address, address.length) == 0) {
        throw new NativeException("bind", shown + " (a service listens on it)", EADDRINUSE);
      }
      if (Native.errno() != ECONNREFUSED) {
        throw new NativeException("connect", shown, Native.errno());
      }
    }
  }

  private static byte[] address(byte[] path, String shown) throws NativeException {
    if (path.length >= PATH_CAPACITY) {
      throw new NativeException("bind", shown, Linux.ENAMETOOLONG);
    }
    byte[] address = new byte[ADDRESS_SIZE];
    ByteBuffer.wrap(address).order(ByteOrder.nativeOrder()).putShort(0, (short) AF_UNIX);
    System.arraycopy(path, 0, address, 2, path.length);
    return address;
  }
}
