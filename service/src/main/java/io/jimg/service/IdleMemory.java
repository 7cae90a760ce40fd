package io.jimg.service;

import io.jimg.btrfs.NativeHeap;
import io.jimg.library.Jimg;
import java.time.Duration;

/**
 * Gives memory back once the service has gone quiet after work. An import or export fills the heap up to its cap
 * and the C heap with the decoders' buffers, and neither shrinks by itself: measured, a service at 64 MiB after its
 * start stayed at 200 MiB after three imports and exports. Once no connection has come for {@link #QUIET} and no
 * transfer runs, a full collection (which the serial collector follows by shrinking the heap, as bin/jimg's
 * MaxHeapFreeRatio asks) and a malloc_trim bring it back near where it started. Once per quiet spell: an idle
 * service does nothing.
 */
final class IdleMemory implements Runnable {
  static final Duration QUIET = Duration.ofSeconds(10);

  private final VarlinkServer server;
  private final Jimg root;
  private final Duration quiet;
  private final Runnable release;
  /** The connections admitted when memory was last released: none yet at the start. */
  private long releasedAt;

  IdleMemory(VarlinkServer server, Jimg root, Duration quiet, Runnable release) {
    this.server = server;
    this.root = root;
    this.quiet = quiet;
    this.release = release;
  }

  /** The release a service makes: a full collection, then the C heap trimmed. */
  static void releaseAll() {
    System.gc(); // the one place jimg asks for a collection: the service is idle, nothing waits on it
    NativeHeap.trim();
  }

  /** Starts the watcher on a daemon thread, which ends with the server. */
  static void watch(VarlinkServer server, Jimg root) {
    Thread thread = new Thread(new IdleMemory(server, root, QUIET, IdleMemory::releaseAll), "jimg-idle-memory");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void run() {
    try {
      while (!server.isClosed()) {
        releaseIfQuiet();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Waits until no connection has come for the quiet spell, then releases memory where a connection came since the
   * last release and no transfer runs; returns whether it did.
   */
  boolean releaseIfQuiet() throws InterruptedException {
    server.awaitQuiet(quiet.toMillis());
    long admitted = server.admitted();
    if (server.isClosed() || admitted == releasedAt || !root.transfers().list().isEmpty()) {
      return false;
    }
    releasedAt = admitted;
    release.run();
    return true;
  }
}
