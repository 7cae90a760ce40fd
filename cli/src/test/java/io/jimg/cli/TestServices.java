package io.jimg.cli;

import io.jimg.library.Jimg;
import io.jimg.service.Jimgd;
import io.jimg.service.ServiceLog;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code jimg serve} as a test starts it, in the test's JVM: one service per pool the test's commands name, each on a
 * socket of its own in a directory of the test's, with the lock directory of {@link JimgRunner#LOCKS}; closed after
 * the test.
 */
final class TestServices implements AutoCloseable {
  private record Served(Jimgd jimgd, Jimg root, Path socket) {}

  private final Path directory;
  private final Map<Path, Served> services = new LinkedHashMap<>();
  private final StringWriter log = new StringWriter();

  TestServices() {
    try {
      // Searchable by every user: a test connects as a user other than root too.
      directory = Files.createTempDirectory("jimg-services-");
      Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The socket of the service over {@code pool}, started on first use. */
  synchronized Path socketFor(Path pool) {
    return serving(pool).socket();
  }

  /** The root of the service over {@code pool}, started on first use: to see its transfers. */
  synchronized Jimg rootOf(Path pool) {
    return serving(pool).root();
  }

  private Served serving(Path pool) {
    return services.computeIfAbsent(pool.toAbsolutePath(), this::start);
  }

  private Served start(Path pool) {
    Map<String, String> variables = Map.of(JimgCommand.IMAGE_ROOT_VARIABLE, pool.toString(),
        JimgCommand.LOCK_DIRECTORY_VARIABLE, JimgRunner.LOCKS.toString());
    JimgCommand command = new JimgCommand(new Environment(variables, () -> ZoneId.of("UTC"), false));
    Path socket = directory.resolve("jimg-" + services.size() + ".sock");
    try {
      Jimgd jimgd = ServeCommand.start(command, ServiceLog.standard(new PrintWriter(log, true), Map.of()), socket);
      return new Served(jimgd, command.rootIfMade(), socket);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What the services logged, for a failure's message. */
  String log() {
    return log.toString();
  }

  @Override
  public synchronized void close() throws IOException {
    services.values().forEach(served -> served.jimgd().close());
    services.clear();
    try (var sockets = Files.list(directory)) {
      for (Path socket : sockets.toList()) {
        Files.delete(socket);
      }
    }
    Files.delete(directory);
  }
}
