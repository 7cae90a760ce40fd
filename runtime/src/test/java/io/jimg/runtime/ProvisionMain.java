package io.jimg.runtime;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Provisions from a {@link FakePool} and dies as of SIGKILL (Runtime.halt: no finally blocks, no hooks) before
 * publishing image {@code haltAt}. Arguments: POOL TEMPLATE COUNT PREFIX HALT_AT.
 */
public final class ProvisionMain {
  private ProvisionMain() {}

  public static void main(String[] args) throws Exception {
    int haltAt = Integer.parseInt(args[4]);
    Provisioner.Steps steps = new Provisioner.Steps() {
      @Override
      public void beforePublish(int index) throws IOException {
        if (index == haltAt) {
          Runtime.getRuntime().halt(137);
        }
      }
    };
    new Provisioner(new FakePool(Path.of(args[0])), Clock.systemUTC(), steps)
        .provision(args[1], Integer.parseInt(args[2]), args[3], 1);
  }
}
