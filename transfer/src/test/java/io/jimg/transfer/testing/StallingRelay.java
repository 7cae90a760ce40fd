package io.jimg.transfer.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay on loopback to another port that passes answers through untouched but, at a point in what clients
 * send, stops passing it and holds it: a client is then stuck in the middle of its request for as long as the test
 * wants, which {@link #stalled()} says has come. The point is a number of bytes ({@link #afterBytes}: in the middle
 * of an upload) or the start of a request ({@link #atRequest}: before the registry sees it at all). Or, instead of
 * holding, it drops that one connection and passes everything after ({@link #cuttingOnceAfter}: a network that
 * fails once in the middle of an upload).
 */
public final class StallingRelay implements AutoCloseable {
  private final ServerSocket server;
  private final int targetPort;
  /** Bytes of all clients that pass before the hold. */
  private final long budget;
  /** The text whose first byte is held; null where the budget decides. */
  private final String request;
  /** Drops the connection at the point instead of holding it, once. */
  private final boolean cut;
  private final AtomicLong sent = new AtomicLong();
  private final CountDownLatch stalled = new CountDownLatch(1);
  private final CountDownLatch closed = new CountDownLatch(1);
  private final List<Socket> sockets = new ArrayList<>();

  private StallingRelay(int targetPort, long budget, String request, boolean cut) throws IOException {
    this.server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
    this.targetPort = targetPort;
    this.budget = budget;
    this.request = request;
    this.cut = cut;
    daemon(this::accept, "relay-accept");
  }

  /** Holds what clients send once {@code budget} bytes of it have passed. */
  public static StallingRelay afterBytes(int targetPort, long budget) throws IOException {
    return new StallingRelay(targetPort, budget, null, false);
  }

  /** Holds what clients send from the first request that starts with {@code requestStart} (say "PUT /v2/a/"). */
  public static StallingRelay atRequest(int targetPort, String requestStart) throws IOException {
    return new StallingRelay(targetPort, Long.MAX_VALUE, requestStart, false);
  }

  /** Drops the connection through which the {@code budget}th byte clients send goes; passes all after it. */
  public static StallingRelay cuttingOnceAfter(int targetPort, long budget) throws IOException {
    return new StallingRelay(targetPort, budget, null, true);
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Counted down once the relay holds what clients send, or has dropped the connection. */
  public CountDownLatch stalled() {
    return stalled;
  }

  private void accept() {
    try {
      while (true) {
        Socket client = server.accept();
        Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        synchronized (sockets) {
          sockets.add(client);
          sockets.add(target);
        }
        daemon(() -> pipe(client, target, true), "relay-up");
        daemon(() -> pipe(target, client, false), "relay-down");
      }
    } catch (IOException e) {
      // closed: the test is over
    }
  }

  private void pipe(Socket from, Socket to, boolean held) {
    byte[] buffer = new byte[8192];
    // The end of what this connection sent last, so that a request line split between two reads is still seen.
    String tail = "";
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      for (int n; (n = in.read(buffer, 0, held ? (int) Math.min(buffer.length, room()) : buffer.length)) > 0; ) {
        int passing = n;
        if (held && request != null) {
          String window = tail + new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
          int at = window.indexOf(request); // after headers or a body: no newline need come before it
          passing = at < 0 ? n : Math.max(0, at - tail.length());
          tail = window.substring(Math.max(0, window.length() - request.length()));
        }
        out.write(buffer, 0, passing);
        if (held && !pastTheCut() && (sent.addAndGet(passing) >= budget || passing < n)) {
          stalled.countDown();
          if (cut) {
            from.close();
            to.close();
          } else {
            closed.await(); // holds the client's bytes until the relay closes
          }
          return;
        }
      }
    } catch (IOException | InterruptedException e) {
      // a side closed
    }
  }

  /** How much may be read before the point; no bound past a cut (a held relay holds every connection). */
  private long room() {
    return pastTheCut() ? Long.MAX_VALUE : Math.max(1, budget - sent.get());
  }

  private boolean pastTheCut() {
    return cut && stalled.getCount() == 0;
  }

  private static void daemon(Runnable work, String name) {
    Thread thread = new Thread(work, name);
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void close() throws IOException {
    closed.countDown();
    server.close();
    synchronized (sockets) {
      for (Socket socket : sockets) {
        socket.close();
      }
    }
  }
}
