package io.jimg.transfer.oci.pull;

import io.jimg.btrfs.DescriptorInputStream;
import io.jimg.btrfs.DescriptorOutputStream;
import io.jimg.btrfs.Fd;
import io.jimg.btrfs.Linux;
import io.jimg.btrfs.NativeException;
import io.jimg.btrfs.Reopen;
import io.jimg.images.ImageStore;
import io.jimg.images.JimgException;
import io.jimg.images.JimgException.Reason;
import io.jimg.images.Scratch;
import io.jimg.images.spi.Descriptors;
import io.jimg.transfer.oci.registry.Descriptor;
import java.io.IOException;
import java.io.InputStream;

/**
 * Where a pull's layers wait between their download and their application: a directory under a scratch name of
 * the writable pool (the pool is where the space is, never /tmp), each blob an unnamed file in it (O_TMPFILE), so
 * that a blob is gone as soon as its last descriptor closes, and a killed pull leaves only the scratch directory,
 * which the next command's sweep removes.
 */
final class LayerSpool implements AutoCloseable {
  private final Scratch scratch;
  private final Fd directory;

  private LayerSpool(Scratch scratch, Fd directory) {
    this.scratch = scratch;
    this.directory = directory;
  }

  static LayerSpool create(ImageStore store) throws IOException {
    Scratch scratch = store.scratch();
    try {
      Fd pool = Descriptors.pool(scratch);
      pool.mkdir(scratch.name(), 0700);
      return new LayerSpool(scratch, pool.openDirectory(scratch.name()));
    } catch (NativeException e) {
      scratch.close();
      throw new JimgException(Reason.FAILED, "cannot make a spool for the layers in " + scratch.path() + ": "
          + e.getMessage(), e);
    } catch (RuntimeException e) {
      scratch.close();
      throw e;
    }
  }

  /** A blob downloaded whole and verified: read it as often as needed, close it to free its space. */
  static final class Spooled implements AutoCloseable {
    private final Descriptor blob;
    private final Fd file;

    Spooled(Descriptor blob, Fd file) {
      this.blob = blob;
      this.file = file;
    }

    Descriptor blob() {
      return blob;
    }

    /** The blob from its start, on a descriptor of its own. */
    InputStream open() throws IOException {
      return new DescriptorInputStream(Reopen.as(file, Linux.S_IFREG, Linux.O_RDONLY));
    }

    @Override
    public void close() {
      file.close();
    }
  }

  /** Copies {@code blob} from {@code source} into a new unnamed file, verified before it is returned. */
  Spooled download(ImageSource source, Descriptor blob, ImageSource.Progress progress) throws IOException {
    Fd written;
    try {
      written = directory.open(new byte[] {'.'}, Linux.O_TMPFILE | Linux.O_RDWR, 0600);
    } catch (NativeException e) {
      throw new JimgException(Reason.FAILED, "cannot make a spool file in " + scratch.path() + ": "
          + e.getMessage(), e);
    }
    Fd kept = null;
    try {
      kept = Reopen.as(written, Linux.S_IFREG, Linux.O_RDONLY);
      try (DescriptorOutputStream out = new DescriptorOutputStream(written)) {
        source.copyBlob(blob, out, progress);
      }
      Spooled spooled = new Spooled(blob, kept);
      kept = null;
      return spooled;
    } finally {
      written.close();
      if (kept != null) {
        kept.close();
      }
    }
  }

  @Override
  public void close() {
    try {
      directory.close();
    } finally {
      scratch.close();
    }
  }
}
