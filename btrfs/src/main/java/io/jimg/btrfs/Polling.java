package io.jimg.btrfs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** poll(2) on one descriptor, with a timeout: for waits that must also notice a stop request or a hang-up. */
final class Polling {
  private Polling() {}

  static final short POLLIN = 0x1;
  static final short POLLERR = 0x8;
  static final short POLLHUP = 0x10;
  static final short POLLNVAL = 0x20;

  /**
   * Waits at most {@code timeoutMillis} for {@code events} on {@code fd} and returns the events that came (POLLERR,
   * POLLHUP and POLLNVAL are reported whatever is asked for); 0 where none came in time or a signal cut the wait.
   */
  static short await(Fd fd, short events, int timeoutMillis) throws NativeException {
    ByteBuffer pollfd = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());
    pollfd.putInt(0, fd.fd()).putShort(4, events);
    byte[] descriptors = pollfd.array();
    int ready = Native.libc().poll(descriptors, 1, timeoutMillis);
    if (ready < 0) {
      int errno = Native.errno();
      if (errno == Linux.EINTR) {
        return 0;
      }
      throw new NativeException("poll", fd.path(), errno);
    }
    return ready == 0 ? 0 : ByteBuffer.wrap(descriptors).order(ByteOrder.nativeOrder()).getShort(6);
  }
}
