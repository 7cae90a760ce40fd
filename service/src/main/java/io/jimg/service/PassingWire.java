package io.jimg.service;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.Linux;
import io.jimg.btrfs.NativeException;
import io.jimg.btrfs.SocketStream;
import io.jimg.btrfs.UnixSockets;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A client's connection that passes this process's standard streams beside its first call (SCM_RIGHTS), through the
 * native socket calls the JDK's channel lacks. A stream is passed as a new descriptor opened through
 * {@code /proc/self/fd}: the same pipe or terminal, and for a file the same file, which the shell opened for the
 * command and nobody has read from yet.
 */
final class PassingWire implements VarlinkClient.Wire {
  private final Fd socket;
  private final SocketStream stream;
  private final List<Fd> unsent;

  private PassingWire(Fd socket, List<Fd> unsent) {
    this.socket = socket;
    this.stream = new SocketStream(socket, VarlinkClient.StandardStream.values().length);
    this.unsent = unsent;
  }

  static PassingWire open(Path path, List<VarlinkClient.StandardStream> streams) throws IOException {
    List<Fd> descriptors = new ArrayList<>();
    try {
      for (VarlinkClient.StandardStream each : streams) {
        descriptors.add(each == VarlinkClient.StandardStream.INPUT
            ? Fd.open(Path.of("/proc/self/fd/0"), Linux.O_RDONLY) : Fd.open(Path.of("/proc/self/fd/1"), Linux.O_WRONLY));
      }
      return new PassingWire(UnixSockets.connect(path), descriptors);
    } catch (NativeException e) {
      descriptors.forEach(Fd::close);
      throw e;
    }
  }

  @Override
  public void send(byte[] bytes) throws IOException {
    stream.send(bytes, 0, bytes.length, unsent);
    // The service has its own copies now; this process keeps its standard streams as they were.
    unsent.forEach(Fd::close);
    unsent.clear();
  }

  @Override
  public int receive(byte[] into) throws IOException {
    int n = stream.receive(into, 0, into.length, new ArrayList<>());
    return n == 0 ? -1 : n;
  }

  @Override
  public void close() {
    unsent.forEach(Fd::close);
    socket.close();
  }
}
