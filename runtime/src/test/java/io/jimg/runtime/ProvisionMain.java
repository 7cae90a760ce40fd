package io.jimg.runtime;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Provisions from a {@link FakePool} and dies as of SIGKILL (Runtime.halt: no finally blocks, no hooks) before
 * cloning or publishing image {@code haltAt}. Arguments: POOL TEMPLATE COUNT PREFIX clone|publish HALT_AT.
 */
public final class ProvisionMain {
  private ProvisionMain() {}

  public static void main(String[] args) throws Exception {
    boolean whilePublishing = args[4].equals("publish");
    int haltAt = Integer.parseInt(args[5]);
    Provisioner.Steps steps = new Provisioner.Steps() {
      @Override
      public void beforeClone(int index) {
        if (!whilePublishing && index == haltAt) {
          Runtime.getRuntime().halt(137);
        }
      }

      @Override
      public void beforePublish(int index) throws IOException {
        if (whilePublishing && index == haltAt) {
          Runtime.getRuntime().halt(137);
        }
      }
    };
    new Provisioner(new FakePool(Path.of(args[0])), Clock.systemUTC(), steps)
        .provision(args[1], Integer.parseInt(args[2]), args[3], 1);
  }
}
