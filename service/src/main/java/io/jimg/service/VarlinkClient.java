package io.jimg.service;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Varlink client: one connection, calls sent as NUL-terminated JSON, replies read one by one in call order. It
 * speaks through the JDK's own AF_UNIX channel, so a front end that only relays calls (the CLI through the service)
 * loads no native bindings; where descriptors go beside a call, {@link PassingConnection} stands in for the channel.
 */
public final class VarlinkClient implements AutoCloseable {
  /** A connection's bytes both ways; descriptors, where it can pass them, go with the next bytes sent. */
  interface Wire extends AutoCloseable {
    void send(byte[] bytes) throws IOException;

    /** At least one byte into {@code into}, or -1 at the end of the stream. */
    int receive(byte[] into) throws IOException;

    @Override
    void close();
  }

  /** One reply: its parameters, its error's name (null for none), and whether more replies follow. */
  public record Reply(Map<String, Object> parameters, String error, boolean continues) {
    public boolean failed() {
      return error != null;
    }
  }

  private final Wire wire;
  private byte[] pending = new byte[0];

  VarlinkClient(Wire wire) {
    this.wire = wire;
  }

  /** Connects to the service at {@code socket}; an IOException where nothing accepts there. */
  public static VarlinkClient connect(Path socket) throws IOException {
    SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
    return new VarlinkClient(new ChannelWire(channel));
  }

  /** A standard stream of this process, to pass to the service beside a call. */
  public enum StandardStream {
    INPUT,
    OUTPUT
  }

  /**
   * Connects to {@code socket} over a connection that passes {@code streams} (SCM_RIGHTS), in this order, beside
   * the first call; the call names them by their index, as io.jimg.Transfer's fileDescriptor does.
   */
  public static VarlinkClient connectPassing(Path socket, java.util.List<StandardStream> streams) throws IOException {
    return new VarlinkClient(PassingWire.open(socket, streams));
  }

  /** Sends a call; its replies come from {@link #reply()}. */
  public void call(String method, Map<String, Object> parameters, boolean more) throws IOException {
    Map<String, Object> call = new LinkedHashMap<>();
    call.put("method", method);
    call.put("parameters", parameters);
    if (more) {
      call.put("more", true);
    }
    wire.send(Json.message(call));
  }

  /** The next reply; an IOException where the service closed the connection or sent something that is not one. */
  public Reply reply() throws IOException {
    while (true) {
      for (int i = 0; i < pending.length; i++) {
        if (pending[i] == 0) {
          Map<String, Object> message;
          try {
            message = Json.parseObject(pending, 0, i);
          } catch (MalformedMessage e) {
            throw new IOException("the service sent a malformed reply: " + e.getMessage());
          }
          pending = Arrays.copyOfRange(pending, i + 1, pending.length);
          return reply(message);
        }
      }
      byte[] buffer = new byte[65536];
      int n = wire.receive(buffer);
      if (n < 0) {
        throw new IOException("the service closed the connection");
      }
      if (pending.length + n > Limits.MAX_MESSAGE) {
        throw new IOException("the service sent a reply over " + Limits.MAX_MESSAGE + " bytes");
      }
      byte[] joined = Arrays.copyOf(pending, pending.length + n);
      System.arraycopy(buffer, 0, joined, pending.length, n);
      pending = joined;
    }
  }

  @SuppressWarnings("unchecked")
  private static Reply reply(Map<String, Object> message) throws IOException {
    Object parameters = message.getOrDefault("parameters", Map.of());
    Object error = message.get("error");
    if (!(parameters instanceof Map<?, ?>) || error != null && !(error instanceof String)) {
      throw new IOException("the service sent a reply that is not one");
    }
    return new Reply((Map<String, Object>) parameters, (String) error, Boolean.TRUE.equals(message.get("continues")));
  }

  @Override
  public void close() {
    wire.close();
  }

  /** The JDK's channel: no descriptors. */
  private record ChannelWire(SocketChannel channel) implements Wire {
    @Override
    public void send(byte[] bytes) throws IOException {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
    }

    @Override
    public int receive(byte[] into) throws IOException {
      return channel.read(ByteBuffer.wrap(into));
    }

    @Override
    public void close() {
      try {
        channel.close();
      } catch (IOException e) {
        // closing a socket that fails to close leaves nothing to do
      }
    }
  }
}
