package io.jimg.service;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.NativeException;
import io.jimg.btrfs.SocketStream;
import io.jimg.btrfs.UnixSockets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** A client that writes bytes as they are given (whole calls, halves, garbage) and reads replies one by one. */
final class WireClient implements AutoCloseable {
  private static final int EPIPE = 32;
  private static final int ECONNRESET = 104;

  private final Fd socket;
  private final SocketStream stream;
  private byte[] pending = new byte[0];

  WireClient(Path path) throws NativeException {
    this.socket = UnixSockets.connect(path);
    this.stream = new SocketStream(socket, 16);
  }

  void send(String text) throws NativeException {
    send(text.getBytes(StandardCharsets.UTF_8));
  }

  void send(byte[] bytes) throws NativeException {
    stream.send(bytes, 0, bytes.length, List.of());
  }

  void send(byte[] bytes, List<Fd> descriptors) throws NativeException {
    stream.send(bytes, 0, bytes.length, descriptors);
  }

  /** Sends one call, NUL-terminated. */
  void call(String json) throws NativeException {
    send(json + "\0");
  }

  /** The next reply, parsed; null where the service closed the connection first. */
  Map<String, Object> reply() throws Exception {
    while (true) {
      for (int i = 0; i < pending.length; i++) {
        if (pending[i] == 0) {
          Map<String, Object> reply = Json.parseObject(pending, 0, i);
          pending = Arrays.copyOfRange(pending, i + 1, pending.length);
          return reply;
        }
      }
      byte[] buffer = new byte[65536];
      int n = stream.receive(buffer, 0, buffer.length, new ArrayList<>());
      if (n == 0) {
        return null;
      }
      byte[] joined = Arrays.copyOf(pending, pending.length + n);
      System.arraycopy(buffer, 0, joined, pending.length, n);
      pending = joined;
    }
  }

  /** Sends a call and returns its one reply; null where the service closed the connection. */
  Map<String, Object> ask(String json) throws Exception {
    try {
      call(json);
    } catch (NativeException e) {
      requireClosedByPeer(e);
    }
    return reply();
  }

  /** Sends {@code bytes}; false where the service had closed the connection before they all went out. */
  boolean sendUnlessClosed(byte[] bytes) throws NativeException {
    try {
      send(bytes);
      return true;
    } catch (NativeException e) {
      requireClosedByPeer(e);
      return false;
    }
  }

  private static void requireClosedByPeer(NativeException e) throws NativeException {
    if (!e.is(EPIPE) && !e.is(ECONNRESET)) {
      throw e;
    }
  }

  @Override
  public void close() {
    socket.close();
  }
}
