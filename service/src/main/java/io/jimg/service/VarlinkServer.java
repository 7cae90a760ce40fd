package io.jimg.service;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.NativeException;
import io.jimg.btrfs.UnixSockets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Serves a {@link VarlinkService} on listening sockets: one thread accepts on each, one thread serves each
 * connection. A thread per connection, not a poll loop: a client that stalls in the middle of a message blocks
 * only its own thread in recvmsg, and a handler may take as long as its method does (a pull streams for minutes,
 * an ephemeral root lives as long as its call) without a loop of its own; the count is bounded by
 * {@link Limits#maxConnections()}, and an idle thread costs a few pages of stack. Connections beyond the limits
 * are closed as soon as accepted, with a log line.
 */
public final class VarlinkServer implements AutoCloseable {
  private static final long STOP_WAIT_SECONDS = 30;

  private final VarlinkService service;
  private final ServiceLog log;
  private final Limits limits;
  private final MessageBudget budget;
  private final List<Fd> listening = new ArrayList<>();
  private final List<Thread> acceptors = new ArrayList<>();
  private final Set<Connection> connections = new LinkedHashSet<>();
  private final Map<Integer, Integer> perUser = new HashMap<>();
  private final Map<Connection, Thread> threads = new HashMap<>();
  /** Threads whose connection has ended, which may still be returning. */
  private final List<Thread> finishing = new ArrayList<>();
  /** Connections admitted so far: an idle wait starts again when it moves. */
  private long admitted;
  private boolean closed;

  public VarlinkServer(VarlinkService service, ServiceLog log, Limits limits) {
    this.service = service;
    this.log = log;
    this.limits = limits;
    this.budget = new MessageBudget(limits.bufferBudget());
  }

  /** Serves connections on {@code socket}, a listening one this server now owns. */
  public synchronized void serve(Fd socket) {
    if (closed) {
      socket.close();
      throw new IllegalStateException("the server is closed");
    }
    listening.add(socket);
    Thread acceptor = new Thread(() -> accept(socket), "varlink-accept-" + socket.fd());
    acceptor.setDaemon(true);
    acceptors.add(acceptor);
    acceptor.start();
  }

  /** Connections open now. */
  public synchronized int connections() {
    return connections.size();
  }

  private void accept(Fd socket) {
    while (true) {
      Fd connection;
      try {
        connection = UnixSockets.accept(socket);
      } catch (NativeException e) {
        log.log(ServiceLog.Priority.ERROR, "accepting on " + socket.path() + ": " + e.getMessage());
        if (!awaitClosedConnection()) {
          return;
        }
        continue;
      }
      if (connection == null) {
        return; // shut down
      }
      admit(connection);
    }
  }

  private void admit(Fd socket) {
    UnixSockets.Peer peer;
    try {
      peer = UnixSockets.peer(socket);
    } catch (NativeException e) {
      log.log(ServiceLog.Priority.WARNING, "refused a connection whose peer is unknown: " + e.getMessage());
      socket.close();
      return;
    }
    Connection connection = new Connection(socket, peer, service, log, limits, budget);
    synchronized (this) {
      String refusal = closed ? "the service is stopping"
          : connections.size() >= limits.maxConnections() ? limits.maxConnections() + " connections are open"
          : !peer.isRoot() && perUser.getOrDefault(peer.uid(), 0) >= limits.maxConnectionsPerUser()
              ? "its user has " + limits.maxConnectionsPerUser() + " connections open" : null;
      if (refusal != null) {
        log.log(ServiceLog.Priority.WARNING, "refused a connection of " + peer + ": " + refusal);
        socket.close();
        return;
      }
      connections.add(connection);
      admitted++;
      notifyAll();
      perUser.merge(peer.uid(), 1, Integer::sum);
      Thread thread = new Thread(() -> {
        try {
          connection.run();
        } finally {
          release(connection);
        }
      }, "varlink-connection-" + peer.pid());
      thread.setDaemon(true);
      threads.put(connection, thread);
      thread.start();
    }
  }

  private synchronized void release(Connection connection) {
    connection.socket().close();
    connections.remove(connection);
    finishing.removeIf(thread -> !thread.isAlive()); // only those still returning are kept
    finishing.add(threads.remove(connection));
    perUser.computeIfPresent(connection.peer().uid(), (uid, count) -> count == 1 ? null : count - 1);
    notifyAll();
  }

  /**
   * Waits until no connection is open, at most {@code timeoutMillis}, and for the threads of those that ended to
   * be gone; returns whether the server is idle. For an idle exit, and for tests that count threads.
   */
  public boolean awaitIdle(long timeoutMillis) throws InterruptedException {
    List<Thread> ended;
    synchronized (this) {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
      while (!connections.isEmpty()) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          return false;
        }
        wait(left);
      }
      ended = new ArrayList<>(finishing);
      finishing.clear();
    }
    for (Thread thread : ended) {
      thread.join();
    }
    return true;
  }

  /** How many connections the server has admitted since it started. */
  synchronized long admitted() {
    return admitted;
  }

  synchronized boolean isClosed() {
    return closed;
  }

  /**
   * Returns once no connection has been open for {@code quietMillis} on end (none open, none admitted), or the
   * server closed: a socket-activated service exits then, as systemd's own services do when idle.
   */
  public synchronized void awaitQuiet(long quietMillis) throws InterruptedException {
    while (!closed) {
      while (!connections.isEmpty() && !closed) {
        wait();
      }
      long seen = admitted;
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(quietMillis);
      while (admitted == seen && !closed) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          return;
        }
        wait(left);
      }
    }
  }

  /**
   * Waits, after accept failed (out of descriptors, say), until a connection closes or a second passes; false
   * where the server closed meanwhile.
   */
  private synchronized boolean awaitClosedConnection() {
    try {
      wait(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    return !closed;
  }

  /** Stops accepting, ends every connection, and waits for their threads. */
  @Override
  public void close() {
    List<Thread> waitFor;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      listening.forEach(UnixSockets::shutdown);
      connections.forEach(connection -> UnixSockets.shutdown(connection.socket()));
      waitFor = new ArrayList<>(acceptors);
      waitFor.addAll(threads.values());
      notifyAll();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STOP_WAIT_SECONDS);
    for (Thread thread : waitFor) {
      try {
        thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      if (thread.isAlive()) {
        log.log(ServiceLog.Priority.WARNING, "stopping: " + thread.getName() + " is still busy in a handler");
      }
    }
    synchronized (this) {
      listening.forEach(Fd::close);
      listening.clear();
    }
  }
}
