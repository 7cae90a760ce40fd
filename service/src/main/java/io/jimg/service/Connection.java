package io.jimg.service;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.NativeException;
import io.jimg.btrfs.SocketStream;
import io.jimg.btrfs.UnixSockets;
import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One client's connection, served by a thread of its own: messages are cut at their NUL, handled one after the
 * other (so pipelined calls are answered in the order they came), and their replies sent. Descriptors that come
 * with the bytes belong to the message those bytes start or continue. A message larger than the limit, one that
 * is not a call, or too many descriptors end the connection, with a log line saying why; its server closes the
 * socket, under the lock under which it shuts sockets down, so that it never shuts down a reused number.
 */
final class Connection implements Runnable, Call.Replies {
  private static final int INITIAL_BUFFER = 4096;
  /** Buffers larger than this are given back after the message that needed them. */
  private static final int KEPT_BUFFER = 64 << 10;
  /** What a message being handled may decode into, beyond its own bytes, in multiples of its size. */
  private static final int DECODED_FACTOR = 3;

  private final Fd socket;
  private final UnixSockets.Peer peer;
  private final VarlinkService service;
  private final ServiceLog log;
  private final Limits limits;
  private final MessageBudget budget;
  private final SocketStream stream;
  private final Object sending = new Object();
  private final List<Fd> pendingDescriptors = new ArrayList<>();
  private byte[] buffer = new byte[0];
  private int start;
  private int filled;

  Connection(Fd socket, UnixSockets.Peer peer, VarlinkService service, ServiceLog log, Limits limits,
      MessageBudget budget) {
    this.socket = socket;
    this.peer = peer;
    this.service = service;
    this.log = log;
    this.limits = limits;
    this.budget = budget;
    this.stream = new SocketStream(socket, limits.maxDescriptorsPerMessage());
  }

  UnixSockets.Peer peer() {
    return peer;
  }

  Fd socket() {
    return socket;
  }

  @Override
  public void run() {
    try {
      serve();
    } catch (NativeException e) {
      log.log(ServiceLog.Priority.INFO, "connection of " + peer + " closed: " + e.getMessage());
    } catch (UncheckedIOException e) {
      log.log(ServiceLog.Priority.INFO, "connection of " + peer + " closed: " + e.getCause().getMessage());
    } catch (MalformedMessage e) {
      log.log(ServiceLog.Priority.WARNING, "connection of " + peer + " closed: " + e.getMessage());
    } catch (IOException | RuntimeException | OutOfMemoryError e) {
      log.log(ServiceLog.Priority.ERROR, "connection of " + peer + " closed after a failure: " + e);
    } finally {
      pendingDescriptors.forEach(Fd::close);
      budget.release(buffer.length);
    }
  }

  private void serve() throws NativeException, MalformedMessage, IOException {
    int scanned = 0;
    while (true) {
      int end = indexOfNul(scanned);
      if (end >= 0) {
        handle(start, end - start);
        start = end + 1;
        if (buffer.length > KEPT_BUFFER && filled - start < INITIAL_BUFFER) {
          shrink();
        }
        scanned = start;
        continue;
      }
      scanned = filled;
      if (filled - start > limits.maxMessage()) {
        throw new MalformedMessage("a message larger than " + limits.maxMessage() + " bytes");
      }
      if (filled == buffer.length) {
        makeRoom();
        scanned = filled;
      }
      int n;
      try {
        n = stream.receive(buffer, filled, buffer.length - filled, pendingDescriptors);
      } catch (NativeException e) {
        if (e.is(SocketStream.TOO_MANY_DESCRIPTORS)) {
          throw new MalformedMessage("more than " + limits.maxDescriptorsPerMessage()
              + " descriptors with one message");
        }
        throw e;
      }
      if (pendingDescriptors.size() > limits.maxDescriptorsPerMessage()) {
        throw new MalformedMessage("more than " + limits.maxDescriptorsPerMessage() + " descriptors with one message");
      }
      if (n == 0) {
        if (filled > start) {
          log.log(ServiceLog.Priority.INFO, "connection of " + peer + " ended inside a message");
        }
        return;
      }
      filled += n;
    }
  }

  /** Moves the message begun to the front, or grows the buffer within the limit and the budget. */
  private void makeRoom() throws MalformedMessage {
    if (start > 0) {
      System.arraycopy(buffer, start, buffer, 0, filled - start);
      filled -= start;
      start = 0;
      if (filled < buffer.length) {
        return;
      }
    }
    int size = (int) Math.min(Math.max(INITIAL_BUFFER, 2L * buffer.length), limits.maxMessage() + 1L);
    if (!budget.tryReserve(size - buffer.length)) {
      throw new MalformedMessage("the service's message memory is in use by other connections");
    }
    byte[] grown = new byte[size];
    System.arraycopy(buffer, 0, grown, 0, filled);
    buffer = grown;
  }

  private int indexOfNul(int from) {
    for (int i = from; i < filled; i++) {
      if (buffer[i] == 0) {
        return i;
      }
    }
    return -1;
  }

  private void handle(int offset, int length) throws MalformedMessage, IOException {
    long decoded = (long) length * DECODED_FACTOR;
    if (!budget.tryReserve(decoded)) {
      throw new MalformedMessage("the service's message memory is in use by other connections");
    }
    List<Fd> descriptors = new ArrayList<>(pendingDescriptors);
    pendingDescriptors.clear();
    try {
      Map<String, Object> message = Json.parseObject(buffer, offset, length);
      service.dispatch(message, peer, descriptors, this);
    } finally {
      descriptors.forEach(Fd::close);
      budget.release(decoded);
    }
  }

  /** Gives back a large buffer once the messages that needed it are handled. */
  private void shrink() {
    byte[] small = new byte[INITIAL_BUFFER];
    System.arraycopy(buffer, start, small, 0, filled - start);
    budget.release(buffer.length - small.length);
    filled -= start;
    start = 0;
    buffer = small;
  }

  @Override
  public boolean awaitHangUp(int timeoutMillis) {
    try {
      return UnixSockets.awaitHangUp(socket, timeoutMillis);
    } catch (NativeException e) {
      return true; // a socket poll cannot watch is no client's any more
    }
  }

  @Override
  public void send(Map<String, Object> message) {
    write(Json.message(message));
  }

  @Override
  public void sendAll(List<Map<String, Object>> messages) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (Map<String, Object> message : messages) {
      bytes.writeBytes(Json.message(message));
    }
    write(bytes.toByteArray());
  }

  private void write(byte[] bytes) {
    synchronized (sending) {
      try {
        stream.send(bytes, 0, bytes.length, List.of());
      } catch (NativeException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
