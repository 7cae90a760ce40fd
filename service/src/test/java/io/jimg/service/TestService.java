package io.jimg.service;

import io.jimg.btrfs.Fd;
import java.nio.file.Path;

/** A server with the test interface on a socket in a test's directory. */
final class TestService implements AutoCloseable {
  static final ServiceInfo INFO = new ServiceInfo("jimg", "jimg test service", "0-test", "https://example.invalid/jimg");

  final TestInterface test = new TestInterface();
  final RecordingLog log = new RecordingLog();
  final Path socket;
  final VarlinkServer server;

  TestService(Path directory, Limits limits) throws Exception {
    VarlinkService service = new VarlinkService(INFO);
    service.register(test.implementation());
    socket = directory.resolve("io.jimg.test");
    server = new VarlinkServer(service, log, limits);
    Fd listening = ServiceSockets.bind(socket);
    server.serve(listening);
  }

  TestService(Path directory) throws Exception {
    this(directory, Limits.DEFAULT);
  }

  @Override
  public void close() {
    server.close();
  }
}
