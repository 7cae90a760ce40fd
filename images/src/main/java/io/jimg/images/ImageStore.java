package io.jimg.images;

import io.jimg.btrfs.ReadOnly;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * The image store over systemd's machine directories. Every operation is crash-safe: it creates under a
 * hidden locked temporary and publishes with renameat2, removes by renaming to trash first, and sweeps what
 * a killed process left on the next call.
 */
public final class ImageStore {
  /** systemd's search path, first name wins. */
  public static final List<Path> SYSTEMD_SEARCH_PATH = List.of(
      Path.of("/etc/machines"), Path.of("/run/machines"), Path.of("/var/lib/machines"),
      Path.of("/var/lib/container"), Path.of("/usr/local/lib/machines"), Path.of("/usr/lib/machines"));

  public static Builder builder() {
    return new Builder();
  }

  public static final class Builder {
    Path imageRoot;
    StoreListener listener = StoreListener.NONE;
    Clock clock = Clock.systemUTC();

    private Builder() {}

    /** One directory replaces the search path and receives new images. Null keeps systemd's search path. */
    public Builder imageRoot(Path imageRoot) {
      this.imageRoot = imageRoot;
      return this;
    }

    public Builder listener(StoreListener listener) {
      this.listener = listener;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    public ImageStore build() {
      throw new UnsupportedOperationException("the store is being built");
    }
  }

  public List<Image> list(boolean includeHidden) throws IOException {
    throw new UnsupportedOperationException();
  }

  public Image show(String name) throws IOException {
    throw new UnsupportedOperationException();
  }

  public Image clone(String source, String target, ReadOnly readOnly) throws IOException {
    throw new UnsupportedOperationException();
  }

  public void rename(String from, String to) throws IOException {
    throw new UnsupportedOperationException();
  }

  /** Checks and locks every name before it removes any. */
  public void remove(List<String> names) throws IOException {
    throw new UnsupportedOperationException();
  }

  public void setReadOnly(String name, boolean readOnly) throws IOException {
    throw new UnsupportedOperationException();
  }

  /** A limit in bytes for one image, or for the whole pool where name is null; -1 clears it. */
  public void setLimit(String name, long bytes) throws IOException {
    throw new UnsupportedOperationException();
  }

  public CleanReport clean(boolean all) throws IOException {
    throw new UnsupportedOperationException();
  }

  /** Holds an image under the locks systemd-nspawn takes; shared for reading, exclusive for writing. */
  public ImageLease lease(String name, io.jimg.btrfs.LockKind kind) throws IOException {
    throw new UnsupportedOperationException();
  }

  /** Makes a tree image (a subvolume on btrfs, a directory elsewhere) that filler populates, then publishes it. */
  public Image createTree(String name, CreateOptions options, TreeFiller filler) throws IOException {
    throw new UnsupportedOperationException();
  }

  /** Makes a raw image {@code NAME.raw} that filler writes, then publishes it. */
  public Image createRaw(String name, CreateOptions options, RawFiller filler) throws IOException {
    throw new UnsupportedOperationException();
  }

  /** A hidden locked name in the writable pool for a root that lives only while this process holds it. */
  public Scratch scratch() throws IOException {
    throw new UnsupportedOperationException();
  }

  /** Where new images land. */
  public Path writablePool() {
    throw new UnsupportedOperationException();
  }
}
