package io.jimg.btrfs;

import java.util.List;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * Bytes and descriptors over one connected AF_UNIX socket: recvmsg and sendmsg with SCM_RIGHTS, which the JDK
 * lacks. Receiving and sending each have native memory of their own (a struct msghdr, one iovec, a control buffer
 * and a small data chunk), so that one thread may send while another waits to receive; each direction is used by
 * one thread at a time. Descriptors arrive with MSG_CMSG_CLOEXEC; more than {@code maxDescriptors} in one message
 * is refused, with every one of them closed.
 */
public final class SocketStream {
  /** The data chunk of each direction: small, as a service holds one pair per connection. */
  static final int CHUNK = 8192;
  private static final int MSG_CTRUNC = 0x8;
  private static final int MSG_NOSIGNAL = 0x4000;
  private static final int MSG_CMSG_CLOEXEC = 0x40000000;
  private static final int SCM_RIGHTS = 1;
  /** EPIPE and ECONNRESET: the peer went; a receive sees the end of the stream, a send fails with it. */
  private static final int ECONNRESET = 104;
  /** ETOOMANYREFS: more descriptors than allowed came with one message. */
  public static final int TOO_MANY_DESCRIPTORS = 109;

  /** struct msghdr, then one struct iovec, then the control buffer, then the data. */
  private static final int MSGHDR_SIZE = 64;
  private static final int IOV = MSGHDR_SIZE;
  private static final int CONTROL = IOV + 16;
  private static final int CMSG_HEADER = 16;

  private final Fd socket;
  private final int maxDescriptors;
  private final int controlSize;
  private final Pointer receiving;
  private final Pointer sending;

  public SocketStream(Fd socket, int maxDescriptors) {
    this.socket = socket;
    this.maxDescriptors = maxDescriptors;
    this.controlSize = CMSG_HEADER + align(4 * Math.max(1, maxDescriptors));
    jnr.ffi.Runtime runtime = jnr.ffi.Runtime.getSystemRuntime();
    this.receiving = Memory.allocateDirect(runtime, CONTROL + controlSize + CHUNK, true);
    this.sending = Memory.allocateDirect(runtime, CONTROL + controlSize + CHUNK, true);
  }

  /**
   * Reads what is there, at most {@code length} bytes into {@code into[offset..]}, waiting for at least one;
   * returns 0 at the end of the stream (also where the peer reset it). Descriptors passed with these bytes are
   * added to {@code descriptors}, owned by the caller; more than allowed fail the call with
   * {@link #TOO_MANY_DESCRIPTORS} after all of them are closed.
   */
  public int receive(byte[] into, int offset, int length, List<Fd> descriptors) throws NativeException {
    Pointer message = receiving;
    int wanted = Math.min(length, CHUNK);
    prepare(message, wanted, controlSize);
    long n;
    while ((n = Native.libc().recvmsg(socket.fd(), message, MSG_CMSG_CLOEXEC)) < 0) {
      int errno = Native.errno();
      if (errno == ECONNRESET) {
        return 0;
      }
      if (errno != Linux.EINTR) {
        throw new NativeException("recvmsg", socket.path(), errno);
      }
    }
    int received = takeDescriptors(message, descriptors);
    if ((message.getInt(48) & MSG_CTRUNC) != 0 || received > maxDescriptors) {
      for (int i = 0; i < received; i++) {
        descriptors.remove(descriptors.size() - 1).close();
      }
      throw new NativeException("recvmsg", socket.path(), TOO_MANY_DESCRIPTORS);
    }
    message.get(CONTROL + controlSize, into, offset, (int) n);
    return (int) n;
  }

  /** Sends all of {@code bytes[offset..offset+length)}, the {@code descriptors} (not closed here) with its first byte. */
  public void send(byte[] bytes, int offset, int length, List<Fd> descriptors) throws NativeException {
    if (descriptors.size() > maxDescriptors) {
      throw new NativeException("sendmsg", socket.path(), TOO_MANY_DESCRIPTORS);
    }
    Pointer message = sending;
    int done = 0;
    boolean first = true;
    while (done < length || first) {
      int piece = Math.min(length - done, CHUNK);
      int control = 0;
      if (first && !descriptors.isEmpty()) {
        control = CMSG_HEADER + align(4 * descriptors.size());
        message.putLong(CONTROL, CMSG_HEADER + 4L * descriptors.size());
        message.putInt(CONTROL + 8, UnixSockets.SOL_SOCKET);
        message.putInt(CONTROL + 12, SCM_RIGHTS);
        for (int i = 0; i < descriptors.size(); i++) {
          message.putInt(CONTROL + CMSG_HEADER + 4L * i, descriptors.get(i).fd());
        }
      }
      prepare(message, piece, control);
      message.put(CONTROL + controlSize, bytes, offset + done, piece);
      long n = Native.libc().sendmsg(socket.fd(), message, MSG_NOSIGNAL);
      if (n < 0) {
        if (Native.errno() == Linux.EINTR) {
          continue;
        }
        throw new NativeException("sendmsg", socket.path(), Native.errno());
      }
      done += (int) n;
      first = false;
    }
  }

  /** Points the msghdr at this memory's iovec (data of {@code length}) and control buffer ({@code control} bytes). */
  private void prepare(Pointer message, int length, int control) {
    message.putAddress(0, 0L);
    message.putInt(8, 0);
    message.putAddress(16, message.address() + IOV);
    message.putLong(24, 1);
    message.putAddress(32, control == 0 ? 0L : message.address() + CONTROL);
    message.putLong(40, control);
    message.putInt(48, 0);
    message.putAddress(IOV, message.address() + CONTROL + controlSize);
    message.putLong(IOV + 8, length);
  }

  /** Adopts every descriptor an SCM_RIGHTS message carried; returns how many. */
  private int takeDescriptors(Pointer message, List<Fd> descriptors) {
    long controlLength = message.getLong(40);
    int count = 0;
    long at = 0;
    while (at + CMSG_HEADER <= controlLength) {
      long length = message.getLong(CONTROL + at);
      if (length < CMSG_HEADER || at + length > controlLength) {
        break;
      }
      if (message.getInt(CONTROL + at + 8) == UnixSockets.SOL_SOCKET
          && message.getInt(CONTROL + at + 12) == SCM_RIGHTS) {
        for (long i = 0; i < (length - CMSG_HEADER) / 4; i++) {
          int fd = message.getInt(CONTROL + at + CMSG_HEADER + 4 * i);
          descriptors.add(Fd.adopt(fd, "descriptor passed on " + socket.path()));
          count++;
        }
      }
      at += align((int) length);
    }
    return count;
  }

  private static int align(int length) {
    return (length + 7) & ~7;
  }
}
