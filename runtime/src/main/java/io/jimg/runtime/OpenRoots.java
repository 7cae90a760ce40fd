package io.jimg.runtime;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The ephemeral roots one {@link PreparedRoots} has open, closed by a shutdown hook of its own so that SIGINT,
 * SIGTERM and SIGHUP (which run the JVM's hooks) remove them too. Only a SIGKILL leaves one behind, for the next
 * command to sweep.
 *
 * <p>The hook is there only while its owner has a root open: added with the first, removed with the last. Not one
 * hook for the owner's whole life, since a {@link PreparedRoots} is never closed (it is a factory its callers drop),
 * so such a hook would keep it and its bookkeeping alive for the JVM's life, one more for every owner a long-running
 * service makes; and not one registry for the process, which is the global state two owners (two stores, two
 * tests) would share.
 */
final class OpenRoots {
  private final Set<PreparedRoot> open = new LinkedHashSet<>();
  /** The hook registered with the JVM; null while no root is open. */
  private Thread hook;

  /** Fails (IllegalStateException) where the JVM is already shutting down: the caller then removes the root itself. */
  synchronized void remember(PreparedRoot root) {
    if (hook == null) {
      Thread closer = new Thread(this::closeAll, "jimg-ephemeral-roots");
      Runtime.getRuntime().addShutdownHook(closer);
      hook = closer;
    }
    open.add(root);
  }

  synchronized void forget(PreparedRoot root) {
    if (!open.remove(root) || !open.isEmpty() || hook == null) {
      return;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is shutting down, and this hook is what is closing the root: it goes with the JVM.
    }
    hook = null;
  }

  /** The hook closing this owner's roots at shutdown, or null while none is open. */
  synchronized Thread hook() {
    return hook;
  }

  void closeAll() {
    List<PreparedRoot> roots;
    synchronized (this) {
      roots = new ArrayList<>(open);
    }
    for (PreparedRoot root : roots) {
      try {
        root.close();
      } catch (RuntimeException e) {
        // The JVM is going down; what stays is swept by the next command.
      }
    }
  }
}
