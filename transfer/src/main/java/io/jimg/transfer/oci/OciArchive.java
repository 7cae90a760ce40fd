package io.jimg.transfer.oci;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.NativeException;
import io.jimg.images.JimgException;
import io.jimg.images.JimgException.Reason;
import io.jimg.images.Scratch;
import io.jimg.images.spi.Descriptors;
import io.jimg.transfer.tar.TarImport;
import java.io.IOException;
import java.nio.file.Path;

/**
 * An {@code oci-archive:} file: a tar of an image layout. It is unpacked with every rule of import-tar into an
 * empty directory the caller provides (a hidden temporary in the pool, such as a {@link io.jimg.images.Scratch}'s,
 * which the caller removes), then read as a layout.
 */
public final class OciArchive {
  private OciArchive() {}

  /**
   * Unpacks {@code archive} into a new directory under the store's scratch name and opens the layout it holds;
   * closing the scratch (after the layout) removes it all, and a killed process leaves it to the store's sweep.
   */
  public static OciLayout extract(Path archive, Scratch scratch, TarImport tarImport) throws IOException {
    Fd pool = Descriptors.pool(scratch);
    try {
      pool.mkdir(scratch.name(), 0700);
    } catch (NativeException e) {
      throw new JimgException(Reason.FAILED, "cannot make a scratch directory for " + archive + ": "
          + e.getMessage(), e);
    }
    try (Fd directory = pool.openDirectory(scratch.name())) {
      return extract(archive, directory, tarImport);
    }
  }

  /** Unpacks {@code archive} into {@code emptyDirectory} with {@code tarImport} and opens the layout it holds. */
  public static OciLayout extract(Path archive, Fd emptyDirectory, TarImport tarImport) throws IOException {
    try {
      tarImport.extract(archive, emptyDirectory);
    } catch (JimgException e) {
      if (e.reason() == Reason.CANCELLED) {
        throw e;
      }
      throw new JimgException(e.reason(), "cannot unpack the OCI archive " + archive + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new JimgException(Reason.FAILED, "cannot unpack the OCI archive " + archive + ": " + e.getMessage(), e);
    }
    try {
      return OciLayout.open(emptyDirectory.openDirectory("."));
    } catch (NativeException e) {
      throw new JimgException(Reason.FAILED, "cannot open what " + archive + " unpacked to: " + e.getMessage(), e);
    }
  }
}
