package io.jimg.runtime;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.ReadOnly;
import io.jimg.btrfs.SnapshotOrCopy;
import io.jimg.images.Access;
import io.jimg.images.Batch;
import io.jimg.images.Cancellation;
import io.jimg.images.ExecSettings;
import io.jimg.images.ImageLease;
import io.jimg.images.ImageStore;
import io.jimg.images.ImageType;
import io.jimg.images.JimgException.Reason;
import io.jimg.images.JimgException;
import io.jimg.images.Origin;
import io.jimg.images.spi.Descriptors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Makes a fleet from one template: images {@code PREFIX<start>} … {@code PREFIX<start+count-1>}, each a snapshot
 * (or, off btrfs, a copy) of the template with its own {@code /etc/machine-id} and {@code /etc/hostname}, and a
 * copy of the template's {@code .nspawn} settings file.
 *
 * <p>All or nothing, as one {@link Batch} of the store: every clone is made and given its identity under a
 * hidden temporary name first, then a provisional intent is written and the clones are published by rename. A
 * failure undoes what was published; after a SIGKILL at any point, the next command that touches the pool
 * undoes it from the record and removes the temporaries.
 */
public final class Provisioner {
  /** Points where tests inject a failure; each is called with the index of the image about to be handled. */
  interface Steps extends Batch.BeforePublish {
    Steps NONE = new Steps() {};

    default void beforeClone(int index) throws IOException {}

    /** Told as a copy (off btrfs) of image {@code index} goes on, with the entries copied so far. */
    default void copying(int index, long entries) {}

    default void beforePublish(int index) throws IOException {}

    @Override
    default void before(int index) throws IOException {
      beforePublish(index);
    }
  }

  private final Pool pool;
  private final Clock clock;
  private final Steps steps;
  private final SecureRandom random = new SecureRandom();

  Provisioner(Pool pool, Clock clock, Steps steps) {
    this.pool = pool;
    this.clock = clock;
    this.steps = steps;
  }

  public static Provisioner of(ImageStore store) {
    return of(store, Clock.systemUTC());
  }

  public static Provisioner of(ImageStore store, Clock clock) {
    return new Provisioner(Pool.of(Objects.requireNonNull(store, "store")), clock, Steps.NONE);
  }

  /** The names a run would make: prefix followed by start, start + 1, … */
  public static List<String> names(String prefix, int count, int start) {
    if (count < 1) {
      throw new IllegalArgumentException("count must be at least 1: " + count);
    }
    if (start < 0) {
      throw new IllegalArgumentException("start must not be negative: " + start);
    }
    List<String> names = new ArrayList<>(count);
    for (long i = start; i < (long) start + count; i++) {
      names.add(prefix + i);
    }
    return names;
  }

  public ProvisionResult provision(String template, int count, String prefix, int start) throws IOException {
    return provision(template, count, prefix, start, Cancellation.NEVER);
  }

  /**
   * As {@link #provision(String, int, String, int)}, stopped by {@code cancellation}: checked before each image,
   * and inside a copy (off btrfs) between entries and blocks of 64 MiB at most, so that a cancel is noticed
   * within one of them. The run then fails with {@link Reason#CANCELLED} with nothing published and its
   * temporaries removed. A cancel that comes once every clone is made and publishing has begun is too late: the
   * fleet is then published whole.
   */
  public ProvisionResult provision(String template, int count, String prefix, int start, Cancellation cancellation)
      throws IOException {
    Objects.requireNonNull(cancellation, "cancellation");
    cancellation.check();
    Instant began = clock.instant();
    List<String> names = names(prefix, count, start);
    for (String name : names) {
      if (!Identity.isValidHostname(name)) {
        throw new JimgException(Reason.USAGE, "cannot provision " + name
            + ": not a valid host name (letters, digits, '-' and '.', at most 64 characters)");
      }
    }
    for (String name : names) {
      if (exists(name)) {
        throw new JimgException(Reason.EXISTS, "cannot provision " + name + ": an image of that name exists");
      }
    }
    try (ImageLease lease = pool.lease(template, Access.READ); Fd source = Descriptors.open(lease)) {
      ImageType type = lease.image().type();
      if (type != ImageType.DIRECTORY && type != ImageType.SUBVOLUME) {
        throw new JimgException(Reason.USAGE, "cannot provision from " + type.label() + " image " + template
            + ": only directory and subvolume images can be templates");
      }
      Path settings = SettingsFiles.find(template, lease.path());
      for (String name : names) {
        Path target = settings == null ? null : settings.resolveSibling(name + ".nspawn");
        if (target != null && Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          throw new JimgException(Reason.EXISTS, "cannot provision " + name + ": settings file " + target
              + " exists");
        }
      }
      byte[] settingsContent = settings == null ? null : ExecSettings.readFile(settings);
      Origin origin = Origin.provisionOf(lease.image().origin(), template);
      publishAll(source, names, settings, settingsContent, origin, cancellation);
    }
    return new ProvisionResult(names, Duration.between(began, clock.instant()));
  }

  private void publishAll(Fd source, List<String> names, Path settings, byte[] settingsContent, Origin origin,
      Cancellation cancellation) throws IOException {
    try (Batch batch = pool.batch()) {
      for (int i = 0; i < names.size(); i++) {
        steps.beforeClone(i);
        cancellation.check();
        byte[] temporary = batch.image(names.get(i));
        int index = i;
        SnapshotOrCopy.make(source, Descriptors.pool(batch), temporary, ReadOnly.NO,
            (bytes, entries) -> steps.copying(index, entries), cancellation::check);
        try (Fd root = Descriptors.pool(batch).openDirectory(temporary)) {
          Identity.random(names.get(i), random).writeInto(root);
        }
        if (settingsContent != null) {
          batch.companion(settings.getParent(), names.get(i) + ".nspawn", settingsContent, 0644);
        }
        batch.origin(origin);
      }
      cancellation.check(); // the last moment a cancel is heeded: from here on the fleet is published whole
      batch.publish(steps);
    }
  }

  private boolean exists(String name) throws IOException {
    try {
      pool.show(name);
      return true;
    } catch (JimgException e) {
      if (e.reason() == Reason.NOT_FOUND) {
        return false;
      }
      throw e;
    }
  }
}
