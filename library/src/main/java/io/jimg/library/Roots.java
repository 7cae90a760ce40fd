package io.jimg.library;

import io.jimg.images.ImageStore;
import io.jimg.images.JimgException;
import io.jimg.runtime.LaunchEngine;
import io.jimg.runtime.Launcher;
import io.jimg.runtime.PreparedRoots;
import io.jimg.runtime.Provisioner;
import java.time.Clock;

/**
 * The runtime of a {@link Jimg}: its prepared roots, the launch engines and a launcher, its provisioner. Each part is
 * made on first use (a command that lists images loads none of it), once, under this object's lock. Safe for use from
 * many threads.
 */
public final class Roots {
  private final ImageStore store;
  private final Clock clock;
  private PreparedRoots prepared;
  private Provisioner provisioner;

  Roots(ImageStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** The roots of the store's images: the image, an ephemeral copy, or one made from a template. */
  public synchronized PreparedRoots prepared() {
    if (prepared == null) {
      prepared = PreparedRoots.builder(store).build();
    }
    return prepared;
  }

  /** The engine {@code name} names (nspawn or chroot); null: systemd-nspawn where installed, else chroot. */
  public LaunchEngine engine(String name) throws JimgException {
    return LaunchEngine.named(name, store);
  }

  /** A launcher on the engine {@code engine} names (see {@link #engine}). */
  public Launcher launcher(String engine) throws JimgException {
    return new Launcher(engine(engine));
  }

  /** Makes fleets from a template; {@link Transfers#provision} runs it as a transfer. */
  public synchronized Provisioner provisioner() {
    if (provisioner == null) {
      provisioner = Provisioner.of(store, clock);
    }
    return provisioner;
  }
}
