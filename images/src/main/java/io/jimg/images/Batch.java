package io.jimg.images;

import io.jimg.btrfs.Directories;
import io.jimg.btrfs.Fd;
import io.jimg.btrfs.FileNames;
import io.jimg.btrfs.Linux;
import io.jimg.btrfs.NativeException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * New images, with companion files, published together: all of them or none, as {@code jimg provision} makes a
 * fleet. The caller makes each image under a temporary name in the writable pool ({@link #image}); {@link
 * #publish} then writes a provisional intent and renames them into place. A failure undoes the renames taken;
 * after a crash, the next command that sweeps the pool undoes them (an image that still holds the very
 * subvolume or inode the run made goes back to its temporary name) and removes every temporary. Closing
 * removes what was not published.
 */
public final class Batch implements AutoCloseable {
  /** Called before each image is published, with its index; tests inject failures and crashes here. */
  public interface BeforePublish {
    BeforePublish NONE = index -> {};

    void before(int index) throws IOException;
  }

  private record Companion(Path directory, byte[] temporary, byte[] name, byte[] content, int mode) {}

  private final Fd pool;
  private final Path poolPath;
  private final Work work;
  private final List<byte[]> temporaries = new ArrayList<>();
  private final List<byte[]> names = new ArrayList<>();
  private final List<List<Companion>> companions = new ArrayList<>();
  private final Clock clock;

  Batch(Fd pool, Path poolPath, Work work, Clock clock) {
    this.pool = pool;
    this.poolPath = poolPath;
    this.work = work;
    this.clock = clock;
  }

  /** The writable pool the images are made in. */
  Fd pool() {
    return pool;
  }

  /**
   * Adds image {@code name} to the batch; returns the temporary name in the writable pool to make it under (the
   * pool's descriptor: {@link io.jimg.images.spi.Descriptors#pool(Batch)}).
   */
  public byte[] image(String name) throws JimgException {
    ImageNames.fresh(name);
    byte[] temporary = work.name("image" + temporaries.size());
    temporaries.add(temporary);
    names.add(FileNames.bytes(name));
    companions.add(new ArrayList<>());
    return temporary.clone();
  }

  /** The path of a temporary name {@link #image} gave. */
  public Path path(byte[] temporary) {
    return work.path(temporary);
  }

  /** A file to publish as {@code directory/fileName} with the image last added, as systemd's .nspawn file. */
  public void companion(Path directory, String fileName, byte[] content, int mode) {
    if (companions.isEmpty()) {
      throw new IllegalStateException("a companion file needs an image first");
    }
    int index = companions.stream().mapToInt(List::size).sum();
    companions.get(companions.size() - 1).add(new Companion(Objects.requireNonNull(directory, "directory"),
        work.name("companion" + index), FileNames.bytes(fileName), content.clone(), mode));
  }

  /** Records {@code origin} beside the image last added, as {@code NAME.origin}, stamped with the store's clock. */
  public void origin(Origin origin) {
    if (names.isEmpty()) {
      throw new IllegalStateException("an origin needs an image first");
    }
    String name = FileNames.show(names.get(names.size() - 1));
    companion(poolPath, name + OriginFile.SUFFIX, OriginFile.encode(origin.at(clock.instant())), 0644);
  }

  /**
   * Publishes every image and companion file, all or nothing. Images that cannot take their names (EXISTS) or
   * any other failure, including one {@code hook} throws, undo what was published and fail.
   */
  public void publish(BeforePublish hook) throws IOException {
    Intent intent = new Intent();
    for (List<Companion> files : companions) {
      for (Companion file : files) {
        if (!file.directory().equals(poolPath)) {
          intent.temporary(file.directory(), file.temporary());
        }
      }
    }
    if (!intent.steps().isEmpty()) {
      work.record(intent); // names the temporaries outside the pool before they exist
    }
    for (List<Companion> files : companions) {
      for (Companion file : files) {
        write(file);
      }
    }
    pool.syncfs(); // one flush for every image before any is published
    List<Integer> firstStepOf = new ArrayList<>();
    for (int i = 0; i < temporaries.size(); i++) {
      firstStepOf.add(intent.steps().size());
      intent.rename(poolPath, temporaries.get(i), names.get(i), true, false, Fingerprint.of(pool, temporaries.get(i)));
      for (Companion file : companions.get(i)) {
        try (Fd directory = Directories.open(file.directory())) {
          intent.rename(file.directory(), file.temporary(), file.name(), true, false,
              Fingerprint.of(directory, file.temporary()));
        }
      }
    }
    work.record(intent.provisionally());
    try {
      Set<Path> touched = new LinkedHashSet<>();
      for (int i = 0; i < intent.steps().size(); i++) {
        int image = firstStepOf.indexOf(i);
        if (image >= 0) {
          hook.before(image);
        }
        intent.apply(intent.steps().get(i), touched);
      }
      Intent.fsync(touched);
    } catch (Intent.Stopped stopped) {
      undo(intent);
      if (stopped.failure != null && stopped.failure.is(Linux.EEXIST)) {
        throw new JimgException(JimgException.Reason.EXISTS, "a name was taken meanwhile, nothing was published: "
            + stopped.failure.getMessage(), stopped.failure);
      }
      throw stopped.failure != null ? stopped.failure
          : new JimgException(JimgException.Reason.FAILED, "a temporary changed while it was published");
    } catch (IOException | RuntimeException e) {
      undo(intent);
      throw e;
    }
  }

  private void undo(Intent intent) {
    try {
      intent.undo();
    } catch (NativeException e) {
      // The record stays, unlocked, and the next command that sweeps the pool undoes the rest.
      work.abandon();
    }
  }

  private static void write(Companion file) throws NativeException {
    try (Fd directory = Directories.open(file.directory())) {
      Companions.write(directory, file.temporary(), file.content(), file.mode());
    }
  }

  /** Removes what was not published (every temporary, in the pool and beside it) and lets go of the pool. */
  @Override
  public void close() {
    try {
      work.close();
    } finally {
      pool.close();
    }
  }
}
