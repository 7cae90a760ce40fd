package io.jimg.service;

import io.jimg.btrfs.NativeException;
import io.jimg.library.Jimg;
import io.jimg.library.Transfer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * jimg's service: io.systemd.MachineImage, io.systemd.Import, io.jimg.Transfer and io.jimg.Root over one library
 * root, served on the sockets a
 * service manager passed or on one socket of its own ({@link ServiceSockets#DEFAULT}, every interface on it). Every
 * call goes to the root; the service builds nothing of the store, transfers or runtime itself.
 */
public final class Jimgd implements AutoCloseable {
  private final Jimg root;
  private final ServiceLog log;
  private final VarlinkServer server;
  private final boolean activated;

  private Jimgd(Jimg root, ServiceLog log, VarlinkServer server, boolean activated) {
    this.root = root;
    this.log = log;
    this.server = server;
    this.activated = activated;
  }

  /** The service's interfaces over {@code root}, whose listener must be {@code events}. */
  public static VarlinkService service(ServiceInfo info, Jimg root, ServiceEvents events) {
    VarlinkService service = new VarlinkService(info);
    TransferAdmission admission = new TransferAdmission(root);
    service.register(new MachineImageInterface(root, admission).implementation());
    service.register(new ImportInterface(root, events, admission).implementation());
    service.register(new TransferInterface(root, events, admission).implementation());
    service.register(new RootInterface(root, events).implementation());
    return service;
  }

  /**
   * Serves {@code service} on the sockets {@code environment} says were passed, else on {@code socket}, until
   * {@link #close()}.
   */
  public static Jimgd start(VarlinkService service, Jimg root, ServiceLog log, Map<String, String> environment,
      Path socket) throws NativeException {
    ServiceSockets.Opened opened = ServiceSockets.open(environment, socket);
    VarlinkServer server = new VarlinkServer(service, log, Limits.DEFAULT);
    opened.sockets().forEach(server::serve);
    IdleMemory.watch(server, root);
    log.log(ServiceLog.Priority.INFO, opened.activated() ? "serving " + opened.sockets().size()
        + " socket(s) passed by the service manager" : "serving " + socket.toAbsolutePath());
    return new Jimgd(root, log, server, opened.activated());
  }

  /** Whether the sockets were passed by a service manager, which starts the service again on the next connection. */
  public boolean activated() {
    return activated;
  }

  /**
   * Returns once no connection has been open for {@code idle} and no transfer runs, as importd exits when idle: a
   * oneway pull, which no connection holds, keeps the service until it ends.
   */
  public void awaitIdle(Duration idle) throws InterruptedException {
    while (true) {
      server.awaitQuiet(idle.toMillis());
      List<Transfer<?>> running = root.transfers().list();
      if (running.isEmpty()) {
        log.log(ServiceLog.Priority.INFO, "idle for " + idle.toSeconds() + " s, exiting");
        return;
      }
      for (Transfer<?> transfer : running) {
        try {
          transfer.await();
        } catch (IOException | RuntimeException e) {
          // its outcome is its stream's to report; the service waits for its end only
        }
      }
    }
  }

  /** Stops accepting, ends the connections and waits for their threads. */
  @Override
  public void close() {
    server.close();
  }
}
