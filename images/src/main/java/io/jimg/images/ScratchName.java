package io.jimg.images;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.NativeException;
import io.jimg.images.spi.Descriptors;
import java.nio.file.Path;

/** A {@code .#jimg-ID.scratch} name held by this process's {@link Work}; closing removes what is under it. */
final class ScratchName implements Descriptors.KernelScratch {
  private final Fd pool;
  private final Work work;
  private final byte[] name;
  private final StoreListener listener;

  ScratchName(Fd pool, Work work, StoreListener listener) {
    this.pool = pool;
    this.work = work;
    this.name = work.name("scratch");
    this.listener = listener;
  }

  @Override
  public Fd pool() {
    return pool;
  }

  @Override
  public byte[] name() {
    return name.clone();
  }

  @Override
  public Path path() {
    return work.path(name);
  }

  @Override
  public void close() {
    try {
      Work.removeIfThere(pool, name);
    } catch (NativeException e) {
      listener.event(new StoreEvent(StoreEvent.Kind.WARNING, null,
          "cannot remove the scratch root " + path() + " now; the next command sweeps it: " + e.getMessage()));
    } finally {
      work.close();
      pool.close();
    }
  }
}
