package io.jimg.transfer.pull;

import io.jimg.images.Cancellation;
import io.jimg.images.CreateOptions;
import io.jimg.images.ImageStore;
import io.jimg.images.Origin;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A pull's view of the real image store, with the tar and raw importers doing the unpacking. */
public final class ImageStorePullStore implements PullStore {
  private final ImageStore store;
  private final Unpacker unpacker;

  public ImageStorePullStore(ImageStore store, Unpacker unpacker) {
    this.store = store;
    this.unpacker = unpacker;
  }

  @Override
  public Path pool() throws IOException {
    Path pool = store.writablePool();
    if (!Files.isDirectory(pool)) {
      // The download lands in the pool before any image is made there: let the store make the pool its own way
      // (a subvolume on btrfs), which it does when it hands out a scratch name.
      store.scratch().close();
    }
    return pool;
  }

  @Override
  public boolean exists(String name) throws IOException {
    return store.exists(name);
  }

  @Override
  public void unpack(FileChannel verified, ImageFormat format, String name, CreateOptions options) throws IOException {
    unpack(verified, format, name, options, Cancellation.NEVER);
  }

  @Override
  public void unpack(FileChannel verified, ImageFormat format, String name, CreateOptions options,
      Cancellation cancellation) throws IOException {
    unpacker.unpack(verified, format, name, options, cancellation);
  }

  @Override
  public void unpack(FileChannel verified, String source, ImageFormat format, String name, CreateOptions options,
      Cancellation cancellation) throws IOException {
    unpacker.unpack(verified, source, format, name, options, cancellation);
  }

  @Override
  public void copy(String source, String target, boolean readOnly, boolean force) throws IOException {
    copy(source, target, readOnly, force, Cancellation.NEVER);
  }

  @Override
  public void copy(String source, String target, boolean readOnly, boolean force, Cancellation cancellation)
      throws IOException {
    copy(source, target, readOnly, force, cancellation, null);
  }

  @Override
  public void copy(String source, String target, boolean readOnly, boolean force, Cancellation cancellation,
      Origin origin) throws IOException {
    store.clone(source, target, new CreateOptions(force, readOnly, origin), cancellation);
  }

  @Override
  public void remove(String name) throws IOException {
    store.remove(List.of(name));
  }

  @Override
  public void writeSettings(String name, byte[] settings) throws IOException {
    store.writeSettings(name, settings);
  }

  @Override
  public long size(String name) throws IOException {
    return store.show(name).usage().bytes();
  }
}
