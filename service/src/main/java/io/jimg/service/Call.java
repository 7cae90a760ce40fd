package io.jimg.service;

import io.jimg.btrfs.DaemonThreads;
import io.jimg.btrfs.Fd;
import io.jimg.btrfs.UnixSockets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One method call as its handler sees it: parameters already checked against the method's input type, who
 * called, and the ways to answer: {@link #reply} once, after any number of {@link #replyContinuing} replies where the
 * client asked for more. Replies are checked against the method's output type before they are sent, so that a
 * client that introspected the interface gets what it promised. A oneway call's replies go nowhere.
 */
public final class Call {
  private final String method;
  private final Map<String, Object> parameters;
  private final boolean more;
  private final boolean oneway;
  private final UnixSockets.Peer peer;
  private final List<Fd> descriptors;
  private final VarlinkType.Struct output;
  private final TypeCheck check;
  private final Replies replies;
  private boolean finished;
  private Thread hangUpWatcher;
  private volatile boolean watching;
  private volatile boolean hungUp;

  /** Where a call's replies go: its connection. */
  interface Replies {
    void send(Map<String, Object> message);

    /**
     * Sends {@code messages} in order, written together: a listing's hundred replies in one write instead of a
     * hundred, each of which woke the client.
     */
    void sendAll(List<Map<String, Object>> messages);

    /** Waits at most {@code timeoutMillis} for the client to close the connection; whether it has. */
    boolean awaitHangUp(int timeoutMillis);
  }

  /** How long one wait for a hang-up lasts before the watcher checks whether the call is still running. */
  private static final int HANG_UP_POLL_MILLIS = 200;

  Call(String method, Map<String, Object> parameters, boolean more, boolean oneway, UnixSockets.Peer peer,
      List<Fd> descriptors, VarlinkType.Struct output, TypeCheck check, Replies replies) {
    this.method = method;
    this.parameters = parameters;
    this.more = more;
    this.oneway = oneway;
    this.peer = peer;
    this.descriptors = descriptors;
    this.output = output;
    this.check = check;
    this.replies = replies;
  }

  /** The qualified method name, such as {@code io.systemd.MachineImage.List}. */
  public String method() {
    return method;
  }

  /** The parameters, of the types the interface declares; an optional one that was not given is absent. */
  public Map<String, Object> parameters() {
    return parameters;
  }

  public boolean more() {
    return more;
  }

  public boolean oneway() {
    return oneway;
  }

  public UnixSockets.Peer peer() {
    return peer;
  }

  /** The caller's user id, from its credentials on the socket. */
  public int callerUid() {
    return peer.uid();
  }

  /**
   * The descriptors passed beside the call (SCM_RIGHTS), now the caller's to close; those not taken are closed by
   * the connection when the handler returns.
   */
  public synchronized List<Fd> takeDescriptors() {
    List<Fd> taken = new ArrayList<>(descriptors);
    descriptors.clear();
    return taken;
  }

  /**
   * Runs {@code action} once, on a thread of its own, where the client closes its connection before the call's
   * final reply: a handler that streams (a pull) cancels its work so. The connection's thread is in the handler and
   * reads nothing meanwhile, so the watcher polls the socket for the hang-up itself; the watch ends, and its thread
   * is joined, before the handler's call is done with the connection.
   */
  public synchronized void onHangUp(Runnable action) {
    if (hangUpWatcher != null) {
      throw new IllegalStateException(method + ": a second hang-up action");
    }
    watching = true;
    hangUpWatcher = DaemonThreads.named("varlink-hang-up").newThread(() -> {
      while (watching) {
        if (replies.awaitHangUp(HANG_UP_POLL_MILLIS)) {
          // Under the call's lock, against its final reply: a client that leaves after it left no call behind.
          synchronized (this) {
            if (!watching || finished) {
              return;
            }
            hungUp = true;
          }
          action.run();
          return;
        }
      }
    });
    hangUpWatcher.start();
  }

  /** Whether the client hung up while the call ran: it is owed no final reply. */
  public boolean hungUp() {
    return hungUp;
  }

  /** Ends the hang-up watch, if any, and waits for its thread: the connection's socket may be closed after. */
  void stopWatchingHangUp() {
    Thread watcher;
    synchronized (this) {
      watching = false;
      watcher = hangUpWatcher;
    }
    if (watcher != null && watcher != Thread.currentThread()) {
      DaemonThreads.joinUninterruptibly(watcher);
    }
  }

  /** A reply with {@code continues}: one of many, for a call made with more. */
  public synchronized void replyContinuing(Map<String, Object> parameters) {
    if (!more) {
      throw new IllegalStateException(method + ": a streamed reply to a call made without more");
    }
    send(parameters, true);
  }

  /**
   * All of a call's replies at once, made with more: each but the last with {@code continues}, written to the
   * client together.
   */
  public synchronized void replyAll(List<Map<String, Object>> replies) {
    if (replies.isEmpty()) {
      throw new IllegalArgumentException(method + ": no reply to send");
    }
    if (!more && replies.size() > 1) {
      throw new IllegalStateException(method + ": a streamed reply to a call made without more");
    }
    List<Map<String, Object>> messages = new ArrayList<>(replies.size());
    for (int i = 0; i < replies.size(); i++) {
      Map<String, Object> message = message(replies.get(i), i < replies.size() - 1);
      if (message != null) {
        messages.add(message);
      }
    }
    finished = true;
    if (!messages.isEmpty()) {
      this.replies.sendAll(messages);
    }
  }

  /** The final reply. */
  public synchronized void reply(Map<String, Object> parameters) {
    send(parameters, false);
    finished = true;
  }

  synchronized boolean finished() {
    return finished;
  }

  /** Ends the call with an error, after any streamed replies. */
  synchronized void fail(Map<String, Object> message) {
    if (finished) {
      throw new IllegalStateException(method + ": an error after the final reply");
    }
    finished = true;
    if (!oneway) {
      replies.send(message);
    }
  }

  private void send(Map<String, Object> parameters, boolean continues) {
    Map<String, Object> message = message(parameters, continues);
    if (message != null) {
      replies.send(message);
    }
  }

  /** The message of a reply, checked against the interface; null for a oneway call, which gets none. */
  private Map<String, Object> message(Map<String, Object> parameters, boolean continues) {
    if (finished) {
      throw new IllegalStateException(method + ": a reply after the final one");
    }
    String mismatch = check.firstMismatch(output, parameters);
    if (mismatch != null) {
      throw new IllegalStateException(method + ": reply field " + mismatch + " does not match the interface");
    }
    if (oneway) {
      return null;
    }
    return continues ? Map.of("parameters", parameters, "continues", true) : Map.of("parameters", parameters);
  }
}
