package io.jimg.cli;

import io.jimg.service.VarlinkClient;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGINT and SIGTERM while the service runs this process's command: the service is asked, on a connection of its
 * own, to interrupt the command (io.jimg.Command.Interrupt), which cancels its transfers, reports them and ends the
 * command with 128 + the signal, as {@link CancelOnSignal} does in-process; the relay then prints that and exits. A
 * second signal ends this process at once, which closes the connection: the service cancels on that too.
 */
final class ServiceInterrupt implements SignalHandler {
  private static final List<String> SIGNALS = List.of("INT", "TERM");

  private final Path socket;
  private final Map<String, SignalHandler> previous = new HashMap<>();
  /** The command's id, once the service has said it: a signal that comes before waits for it. */
  private final CompletableFuture<Long> id = new CompletableFuture<>();
  private volatile boolean caught;

  private ServiceInterrupt(Path socket) {
    this.socket = socket;
  }

  /** Installs the handlers while a command runs in the service at {@code socket}, before it is sent. */
  static ServiceInterrupt install(Path socket) {
    ServiceInterrupt handler = new ServiceInterrupt(socket);
    for (String name : SIGNALS) {
      try {
        handler.previous.put(name, Signal.handle(new Signal(name), handler));
      } catch (IllegalArgumentException e) {
        // The JVM runs with -Xrs: the signal ends jimg, and the service cancels on the hang-up.
      }
    }
    return handler;
  }

  /** The service runs the command as {@code commandId}. */
  void running(long commandId) {
    id.complete(commandId);
  }

  void uninstall() {
    id.completeExceptionally(new IllegalStateException("the command no longer runs in the service"));
    previous.forEach((name, handler) -> Signal.handle(new Signal(name), handler));
  }

  @Override
  public void handle(Signal signal) {
    if (caught) {
      Runtime.getRuntime().halt(128 + signal.getNumber());
    }
    caught = true;
    try (VarlinkClient client = VarlinkClient.connect(socket)) {
      client.call(ThroughService.INTERRUPT, Map.of("id", id.get(), "signal", (long) signal.getNumber()), false);
      client.reply();
    } catch (IOException | ExecutionException e) {
      Runtime.getRuntime().halt(128 + signal.getNumber()); // no service to ask: the hang-up cancels instead
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      Runtime.getRuntime().halt(128 + signal.getNumber());
    }
  }
}
