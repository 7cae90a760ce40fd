package io.jimg.cli;

import io.jimg.library.Jimg;
import io.jimg.service.Call;
import io.jimg.service.PassedStreams;
import io.jimg.service.VarlinkError;
import io.jimg.service.VarlinkInterface;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;

/**
 * io.jimg.Command: the jimg command's verbs run in the service on the service's root, so that a command costs no JVM
 * start and no store of its own, and its transfers are the service's (listed, cancelled, one pull per URL). The
 * command runs as it would in the client's process, with the client's directory, variables, time zone, terminal and
 * standard streams, and prints what it would print there: its output is the same by construction.
 */
final class ServedCommands {
  private static final String OTHER_POOL = CommandIdl.NAME + ".OtherPool";
  private static final String NO_SUCH_COMMAND = CommandIdl.NAME + ".NoSuchCommand";

  private final Jimg root;
  private final JimgCommand service;
  private final CallRouting routing;
  private final AtomicLong ids = new AtomicLong();
  private final Map<Long, ServedCall> running = new ConcurrentHashMap<>();

  /** Commands on {@code root}, the root of {@code service}, the command that serves, whose listener is {@code routing}. */
  ServedCommands(Jimg root, JimgCommand service, CallRouting routing) {
    this.root = root;
    this.service = service;
    this.routing = routing;
  }

  VarlinkInterface implementation() {
    // Anyone may call both: Run lets only root run a verb that changes something, Interrupt only the caller's own.
    return VarlinkInterface.describedBy(CommandIdl.IDL)
        .methodRequiringMore("Run", VarlinkInterface.Access.READ_ONLY, this::run)
        .method("Interrupt", VarlinkInterface.Access.READ_ONLY, this::interrupt);
  }

  private void run(Call call) throws VarlinkError {
    Map<String, Object> parameters = call.parameters();
    @SuppressWarnings("unchecked")
    String[] args = ((List<String>) parameters.get("arguments")).toArray(String[]::new);
    Path directory = Path.of((String) parameters.get("directory"));
    if (!directory.isAbsolute()) {
      throw VarlinkError.invalidParameter("directory");
    }
    ZoneId zone = zone((String) parameters.get("timeZone"));
    try (PassedStreams passed = PassedStreams.take(call)) {
      Environment.Streams streams = streams(passed, (Long) parameters.get("input"), (Long) parameters.get("output"));
      Environment environment = new Environment(variables(parameters), () -> zone,
          (Boolean) parameters.get("terminal"), directory, streams);
      PrintWriter out = new PrintWriter(new ReplyWriter("out", call::replyContinuing));
      PrintWriter err = new PrintWriter(new ReplyWriter("err", call::replyContinuing), true);
      CommandLine commandLine = Main.commandLine(environment, out, err, args);
      // Path options (--image-root, --ca-file, import-fs's DIR) are the client's, from its directory.
      commandLine.registerConverter(Path.class, directory::resolve);
      JimgCommand jimg = commandLine.getCommand();
      String verb = ThroughService.verb(jimg, args);
      if (verb == null || !ThroughService.SERVED.contains(verb)) {
        throw VarlinkError.invalidParameter("arguments");
      }
      if (call.callerUid() != 0 && !ThroughService.READ_ONLY.contains(verb)) {
        throw VarlinkError.permissionDenied();
      }
      requireServicePool(commandLine, jimg, args);
      jimg.useRoot(root);
      ServedCall served = new ServedCall(ids.incrementAndGet(), call.callerUid(), jimg, err, passed);
      running.put(served.id(), served);
      try {
        call.replyContinuing(Map.of("id", served.id()));
        call.onHangUp(served::hungUp);
        int exitCode = routing.runAs(served, () -> commandLine.execute(args));
        out.flush();
        int ended = served.end(exitCode);
        if (!call.hungUp()) {
          call.reply(Map.of("exitCode", (long) ended));
        }
      } finally {
        running.remove(served.id());
      }
    }
  }

  /**
   * OtherPool where the command names another pool or lock directory than the service's: its client runs it itself.
   * A command line that does not parse runs, and reports that as it would anywhere.
   */
  private void requireServicePool(CommandLine commandLine, JimgCommand jimg, String[] args) throws VarlinkError {
    try {
      commandLine.parseArgs(args);
    } catch (CommandLine.ParameterException e) {
      return;
    }
    if (!Objects.equals(jimg.imageRoot(), service.imageRoot())
        || !jimg.imageLockDirectory().equals(service.imageLockDirectory())) {
      throw new VarlinkError(OTHER_POOL);
    }
  }

  private void interrupt(Call call) throws VarlinkError {
    long signal = (Long) call.parameters().get("signal");
    if (signal < 1 || signal > 64) {
      throw VarlinkError.invalidParameter("signal");
    }
    ServedCall served = running.get((Long) call.parameters().get("id"));
    if (served == null || !served.interruptibleBy(call.callerUid())) {
      throw new VarlinkError(NO_SUCH_COMMAND);
    }
    served.interrupt((int) signal);
    call.reply(Map.of());
  }

  /**
   * The variables that choose the pool and those a transfer reads (proxies, credential files), as the client has
   * them; none other of the client's, and none of the service's own.
   */
  static Map<String, String> variables(Map<String, Object> parameters) {
    @SuppressWarnings("unchecked")
    Map<String, String> given = (Map<String, String>) parameters.get("environment");
    Map<String, String> variables = new HashMap<>();
    for (List<String> names : List.of(ThroughService.POOL_VARIABLES, ThroughService.TRANSFER_VARIABLES)) {
      for (String name : names) {
        if (given.containsKey(name)) {
          variables.put(name, given.get(name));
        }
      }
    }
    return variables;
  }

  private static ZoneId zone(String name) throws VarlinkError {
    if (name == null) {
      return ZoneOffset.UTC;
    }
    try {
      return ZoneId.of(name);
    } catch (DateTimeException e) {
      throw VarlinkError.invalidParameter("timeZone");
    }
  }

  /**
   * The client's standard streams, where it passed them, made when the verb asks: those it does not use are closed
   * with the call, so that the client's reader of standard output sees its end. A verb that reads or writes one not
   * passed gets nothing.
   */
  private static Environment.Streams streams(PassedStreams passed, Long input, Long output) throws VarlinkError {
    if (input != null) {
      passed.require(input, "input");
    }
    if (output != null) {
      passed.require(output, "output");
    }
    return new Environment.Streams() {
      @Override
      public InputStream input() {
        try {
          return input == null ? InputStream.nullInputStream() : passed.input(input, "input");
        } catch (VarlinkError e) {
          throw new IllegalStateException("standard input taken twice", e);
        }
      }

      @Override
      public OutputStream output() {
        try {
          return output == null ? OutputStream.nullOutputStream() : passed.output(output, "output");
        } catch (VarlinkError e) {
          throw new IllegalStateException("standard output taken twice", e);
        }
      }
    };
  }
}
