package io.jimg.cli;

import io.jimg.service.ServiceSockets;
import io.jimg.service.VarlinkClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The jimg command run in the service where {@code jimg serve} runs on the pool the command names: the verb goes to
 * io.jimg.Command.Run with the caller's directory, pool variables, terminal and, for {@code -}, its standard streams,
 * and what the service's run prints is printed here, as it comes. Nothing of the store, the transfers or the native
 * bindings loads on this path (but to pass standard streams). Where no service accepts on the socket, or it serves
 * another pool, the command runs in this process, silently.
 */
final class ThroughService {
  static final String NO_SERVICE = "--no-service";
  /** 0 runs every command in this process. */
  static final String VARIABLE = "JIMG_SERVICE";
  /** The service's socket, where it is not {@link ServiceSockets#DEFAULT}. */
  static final String SOCKET_VARIABLE = "JIMG_SERVICE_SOCKET";
  /** The variables that choose a pool: a command is the service's where they and its options name the service's. */
  static final List<String> POOL_VARIABLES =
      List.of(JimgCommand.IMAGE_ROOT_VARIABLE, JimgCommand.LOCK_DIRECTORY_VARIABLE);
  /**
   * The variables a transfer reads where the caller runs it: the proxies, and where podman's and docker's
   * credentials are. The service runs a command with the caller's, as the command would run in the caller's
   * process; only root may run a transfer there, and root reads those files anyway.
   */
  static final List<String> TRANSFER_VARIABLES = List.of("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY",
      "no_proxy", "NO_PROXY", "HOME", "REGISTRY_AUTH_FILE", "DOCKER_CONFIG", "XDG_CONFIG_HOME", "XDG_RUNTIME_DIR");
  /** The verbs the service runs; the rest (run, serve, completion, help) run where the user is. */
  static final Set<String> SERVED = Set.of("list", "show", "clone", "rename", "remove", "read-only", "set-limit",
      "clean", "import-tar", "import-raw", "import-fs", "export-tar", "export-raw", "pull", "pull-tar", "pull-raw",
      "provision", "transfers", "cancel");
  /** The verbs that change nothing, which the service runs for any user; the rest for root only. */
  static final Set<String> READ_ONLY = Set.of("list", "show", "transfers");
  /** The verbs that print times, in the caller's zone: looking the zone up costs a command that prints none. */
  private static final Set<String> PRINT_TIMES = Set.of("list", "show");
  private static final Set<String> LOCAL_OPTIONS = Set.of(NO_SERVICE, "-h", "--help", "-V", "--version");
  static final String RUN = CommandIdl.NAME + ".Run";
  static final String INTERRUPT = CommandIdl.NAME + ".Interrupt";
  private static final String OTHER_POOL = CommandIdl.NAME + ".OtherPool";
  private static final String PERMISSION_DENIED = "org.varlink.service.PermissionDenied";

  private ThroughService() {}

  /** The verb {@code args} name, or null (see {@link Main#verbIn}). */
  static String verb(JimgCommand jimg, String[] args) {
    return Main.verbIn(jimg.spec, args);
  }

  /**
   * Runs {@code args} in the service and returns the exit code, having printed what the command printed; null where
   * the command is this process's to run: declined (--no-service, JIMG_SERVICE=0), a verb the service does not run,
   * no service on the socket, another pool, or standard streams that cannot be passed (a socket). With
   * {@code signals}, SIGINT and SIGTERM interrupt the command in the service meanwhile.
   */
  static Integer run(String[] args, Environment environment, PrintWriter out, PrintWriter err, boolean signals) {
    if ("0".equals(environment.variables().get(VARIABLE)) || declined(args)) {
      return null;
    }
    String verb = verb(new JimgCommand(environment), args);
    if (verb == null || !SERVED.contains(verb)) {
      return null;
    }
    Path socket = socket(environment);
    boolean standardStreams = Arrays.asList(args).contains("-");
    VarlinkClient client;
    try {
      client = standardStreams ? VarlinkClient.connectPassing(socket,
          List.of(VarlinkClient.StandardStream.INPUT, VarlinkClient.StandardStream.OUTPUT))
          : VarlinkClient.connect(socket);
    } catch (IOException e) {
      return null; // nothing accepts there (ENOENT, ECONNREFUSED): the command is this process's
    }
    ServiceInterrupt interrupt = signals ? ServiceInterrupt.install(socket) : null;
    try (client) {
      client.call(RUN, parameters(args, environment, verb, standardStreams), true);
      VarlinkClient.Reply first = client.reply();
      if (first.failed()) {
        if (first.error().equals(OTHER_POOL)) {
          return null;
        }
        return refused(verb, first.error(), err);
      }
      if (interrupt != null) {
        interrupt.running((Long) first.parameters().get("id"));
      }
      return relay(client, out, err);
    } catch (IOException | RuntimeException e) {
      err.println(Text.printable("jimg: the service failed during the command: " + e.getMessage()));
      return Errors.FAILED;
    } finally {
      if (interrupt != null) {
        interrupt.uninstall();
      }
    }
  }

  /** Whether the command line says --no-service, or asks for help or the version, which need no store. */
  private static boolean declined(String[] args) {
    for (String arg : args) {
      if (arg.equals("--")) {
        return false;
      }
      if (LOCAL_OPTIONS.contains(arg)) {
        return true;
      }
    }
    return false;
  }

  static Path socket(Environment environment) {
    String variable = environment.variables().get(SOCKET_VARIABLE);
    return variable == null || variable.isEmpty() ? ServiceSockets.DEFAULT : environment.path(variable);
  }

  static Map<String, Object> parameters(String[] args, Environment environment, String verb,
      boolean standardStreams) {
    Map<String, Object> parameters = new LinkedHashMap<>();
    parameters.put("arguments", List.of(args));
    parameters.put("directory", environment.directory().toString());
    Map<String, Object> variables = new HashMap<>();
    for (List<String> names : List.of(POOL_VARIABLES, TRANSFER_VARIABLES)) {
      for (String name : names) {
        String value = environment.variables().get(name);
        if (value != null) {
          variables.put(name, value);
        }
      }
    }
    parameters.put("environment", variables);
    parameters.put("terminal", environment.terminal());
    if (PRINT_TIMES.contains(verb)) {
      parameters.put("timeZone", environment.zone().get().getId());
    }
    if (standardStreams) {
      parameters.put("input", 0L);
      parameters.put("output", 1L);
    }
    return parameters;
  }

  /** Prints what the command prints, as the service sends it, until its exit code. */
  private static int relay(VarlinkClient client, PrintWriter out, PrintWriter err) throws IOException {
    while (true) {
      VarlinkClient.Reply reply = client.reply();
      if (reply.failed()) {
        throw new IOException("it answered " + reply.error());
      }
      if (reply.parameters().get("out") instanceof String text) {
        out.print(text);
        out.flush();
      }
      if (reply.parameters().get("err") instanceof String text) {
        err.print(text);
        err.flush();
      }
      if (!reply.continues()) {
        if (!(reply.parameters().get("exitCode") instanceof Long exitCode)) {
          throw new IOException("it ended the command without an exit code");
        }
        return exitCode.intValue();
      }
    }
  }

  private static int refused(String verb, String error, PrintWriter err) {
    if (error.equals(PERMISSION_DENIED)) {
      err.println("jimg: " + verb + " needs root: the service lets other users only list, show and see transfers");
    } else {
      err.println(Text.printable("jimg: the service refused the command: " + error));
    }
    return Errors.FAILED;
  }
}
