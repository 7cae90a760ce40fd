package io.jimg.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A service in a JVM of its own, as {@code jimg serve} will run: the sockets it was passed, or the path given as
 * its argument; the test interface, and io.jimg.activation, which reports the LISTEN_ variables a child sees.
 */
public final class ServeMain {
  private ServeMain() {}

  static final String ACTIVATION_IDL = """
      interface io.jimg.activation

      # The LISTEN_ variables a child process of the service sees.
      method ChildEnvironment() -> (variables: []string)
      """;

  public static void main(String[] args) throws Exception {
    VarlinkService service = new VarlinkService(TestService.INFO);
    service.register(new TestInterface().implementation());
    service.register(VarlinkInterface.describedBy(ACTIVATION_IDL)
        .method("ChildEnvironment", VarlinkInterface.Access.READ_ONLY, call -> call.reply(
            Map.of("variables", childListenVariables()))));
    VarlinkServer server = new VarlinkServer(service, ServiceLog.standard(System.err, System.getenv()),
        Limits.DEFAULT);
    ServiceSockets.open(System.getenv(), Path.of(args[0])).sockets().forEach(server::serve);
    System.err.println("serving");
    Thread.currentThread().join(); // until killed
  }

  private static List<Object> childListenVariables() throws IOException {
    Process env = new ProcessBuilder("env").redirectErrorStream(true).start();
    List<Object> variables = new ArrayList<>();
    for (String line : new String(env.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
      if (line.startsWith("LISTEN_")) {
        variables.add(line);
      }
    }
    return variables;
  }
}
