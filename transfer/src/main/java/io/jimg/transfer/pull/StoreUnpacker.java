package io.jimg.transfer.pull;

import io.jimg.images.Cancellation;
import io.jimg.images.CreateOptions;
import io.jimg.images.ImageStore;
import io.jimg.images.StoreListener;
import io.jimg.transfer.Importer;
import java.io.FilterInputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;

/**
 * Unpacks with jimg's tar and raw importers, reading the verified file through the very channel that was hashed,
 * so that the store publishes the image only when it is complete.
 */
public final class StoreUnpacker implements Unpacker {
  private final ImageStore store;
  private final long sizeMax;
  private final boolean ignoreZeros;
  private final StoreListener listener;

  /** {@code sizeMax} caps what the importer unpacks (the decompressed size). */
  public StoreUnpacker(ImageStore store, long sizeMax, StoreListener listener) {
    this(store, sizeMax, false, listener);
  }

  /** As above; {@code ignoreZeros} reads a tar archive on past its end marker, for concatenated archives. */
  public StoreUnpacker(ImageStore store, long sizeMax, boolean ignoreZeros, StoreListener listener) {
    this.store = store;
    this.sizeMax = sizeMax;
    this.ignoreZeros = ignoreZeros;
    this.listener = listener;
  }

  @Override
  public void unpack(FileChannel verified, ImageFormat format, String name, CreateOptions options) throws IOException {
    unpack(verified, format, name, options, Cancellation.NEVER);
  }

  @Override
  public void unpack(FileChannel verified, ImageFormat format, String name, CreateOptions options,
      Cancellation cancellation) throws IOException {
    unpack(verified, "'" + name + "'", format, name, options, cancellation);
  }

  @Override
  public void unpack(FileChannel verified, String source, ImageFormat format, String name, CreateOptions options,
      Cancellation cancellation) throws IOException {
    Importer importer = Importer.builder(store).force(options.force()).readOnly(options.readOnly()).sizeMax(sizeMax)
        .ignoreZeros(ignoreZeros).listener(listener).cancellation(cancellation).origin(options.origin()).build();
    // The channel stays open for the caller, who holds a lock through it: the raw importer's close of its
    // stream must not reach it.
    if (format == ImageFormat.RAW) {
      importer.importRaw(new FilterInputStream(Channels.newInputStream(verified)) {
        @Override
        public void close() {}
      }, source, name);
    } else {
      importer.importTar(verified, source, name);
    }
  }
}
