package io.jimg.runtime;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The ephemeral roots this process holds, closed by one shutdown hook so that SIGINT, SIGTERM and SIGHUP
 * (which run the JVM's hooks) remove them too. Only a SIGKILL leaves one behind, for the next command to sweep.
 */
final class OpenRoots {
  private OpenRoots() {}

  private static final Set<PreparedRoot> OPEN = new LinkedHashSet<>();
  private static boolean hooked;

  static synchronized void remember(PreparedRoot root) {
    if (!hooked) {
      Runtime.getRuntime().addShutdownHook(new Thread(OpenRoots::closeAll, "jimg-ephemeral-roots"));
      hooked = true;
    }
    OPEN.add(root);
  }

  static synchronized void forget(PreparedRoot root) {
    OPEN.remove(root);
  }

  static void closeAll() {
    List<PreparedRoot> roots;
    synchronized (OpenRoots.class) {
      roots = new ArrayList<>(OPEN);
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
