package io.jimg.cli;

import io.jimg.library.Jimg;
import io.jimg.service.Jimgd;
import io.jimg.service.ServiceEvents;
import io.jimg.service.ServiceInfo;
import io.jimg.service.ServiceLog;
import io.jimg.service.ServiceSockets;
import io.jimg.service.VarlinkService;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/**
 * Runs the service in the foreground until SIGTERM (whose handler cancels the running transfers through the root's
 * registry), or, when a service manager passed its sockets, until it has been idle for --exit-idle seconds.
 */
final class ServeCommand extends Verb {
  static final long DEFAULT_EXIT_IDLE_SECONDS = 30;
  /** GetInfo's url: the project publishes no address of its own. */
  private static final String PROJECT_URL = "";

  private final OptionSpec socket = add(OptionSpec.builder("--socket").paramLabel("PATH").type(Path.class)
      .description("Listen on this socket instead of " + ServiceSockets.DEFAULT + " (ignored when a service manager "
          + "passes sockets)."));
  private final OptionSpec exitIdle = add(OptionSpec.builder("--exit-idle").paramLabel("SECONDS").type(long.class)
      .initialValue(DEFAULT_EXIT_IDLE_SECONDS)
      .description("When socket-activated, exit after this many seconds with no connection and no transfer; "
          + "0 never exits (default: " + DEFAULT_EXIT_IDLE_SECONDS + ")."));

  ServeCommand() {
    super("serve", "Serve the image store over Varlink: io.systemd.MachineImage and io.systemd.Import, on "
        + ServiceSockets.DEFAULT + " or the sockets systemd passes (jimgd.socket).");
    note("Logs one line per event to standard error, or to the journal when systemd runs it.");
    examples("jimg serve --socket /tmp/jimg.sock", "varlinkctl call --more unix:/run/jimg/io.jimg "
        + "io.systemd.MachineImage.List '{}'");
  }

  @Override
  void run() throws Exception {
    long idleSeconds = exitIdle.getValue();
    if (idleSeconds < 0) {
      throw new ParameterException(spec.commandLine(), "--exit-idle takes a number of seconds, 0 for never");
    }
    Path path = socket.getValue() == null ? ServiceSockets.DEFAULT : socket.getValue();
    JimgCommand command = jimg();
    ServiceLog log = ServiceLog.standard(spec.commandLine().getErr(), command.environment().variables());
    try (Jimgd jimgd = start(command, log, path)) {
      if (jimgd.activated() && idleSeconds > 0) {
        jimgd.awaitIdle(Duration.ofSeconds(idleSeconds));
      } else {
        Thread.currentThread().join(); // until SIGTERM, whose handler ends the process
      }
    }
  }

  /**
   * The service over {@code command}'s pool, serving on the sockets passed or on {@code socket}: systemd's interfaces
   * and jimg's, and io.jimg.Command, where the jimg command runs its verbs.
   */
  static Jimgd start(JimgCommand command, ServiceLog log, Path socket) throws IOException {
    ServiceEvents events = new ServiceEvents(log);
    CallRouting routing = new CallRouting(events);
    Jimg root = command.root(routing);
    VarlinkService service = Jimgd.service(new ServiceInfo("jimg", "jimg image service", Version.line(),
        PROJECT_URL), root, events);
    service.register(new ServedCommands(root, command, routing).implementation());
    return Jimgd.start(service, root, log, command.environment().variables(), socket);
  }
}
