package io.jimg.service;

import io.jimg.btrfs.NativeException;
import io.jimg.btrfs.SocketStream;
import io.jimg.btrfs.UnixSockets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The journal's native protocol: one datagram per entry, {@code FIELD=value} lines, on its socket (an entry is
 * short enough for one send: {@link ServiceLog#oneLine} bounds a line). Where a send
 * fails (the journal restarting, its queue full), the line goes to the fallback log instead of being lost.
 */
final class JournalLog implements ServiceLog {
  static final String SOCKET = "/run/systemd/journal/socket";

  private final SocketStream stream;
  private final String identifier;
  private final ServiceLog fallback;

  JournalLog(Path socket, String identifier, ServiceLog fallback) throws NativeException {
    this.stream = new SocketStream(UnixSockets.connectDatagram(socket), 0);
    this.identifier = identifier;
    this.fallback = fallback;
  }

  @Override
  public synchronized void log(Priority priority, String line) {
    String entry = "PRIORITY=" + priority.syslog + "\nSYSLOG_IDENTIFIER=" + identifier + "\nMESSAGE="
        + ServiceLog.oneLine(line) + "\n";
    byte[] bytes = entry.getBytes(StandardCharsets.UTF_8);
    try {
      stream.send(bytes, 0, bytes.length, List.of());
    } catch (NativeException e) {
      fallback.log(priority, line);
    }
  }
}
