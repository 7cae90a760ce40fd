package io.jimg.images;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.Linux;
import io.jimg.btrfs.NativeException;
import io.jimg.images.spi.Descriptors;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** An image under the locks nspawn takes, until closed. */
final class HeldImage implements Descriptors.KernelLease {
  private final Image image;
  private final Entry entry;
  private final ImageLocks.Held locks;

  HeldImage(Image image, Entry entry, ImageLocks.Held locks) {
    this.image = image;
    this.entry = entry;
    this.locks = locks;
  }

  @Override
  public Image image() {
    return image;
  }

  @Override
  public Fd open() {
    try {
      return entry.open(Linux.O_RDONLY | Linux.O_NOCTTY);
    } catch (NativeException e) {
      throw new UncheckedIOException(Failures.of("cannot open image " + ImageNames.show(entry.name()), e));
    }
  }

  @Override
  public Path path() {
    return entry.path();
  }

  @Override
  public void close() {
    locks.close();
  }
}
