package io.jimg.transfer.oci.registry;

import io.jimg.images.JimgException;
import io.jimg.transfer.http.BodyReader;
import io.jimg.transfer.http.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A blob copied while it is hashed, from a registry or a layout alike: never more than one byte past the size its
 * descriptor declares is read (that byte is the proof of a longer blob), and VERIFICATION unless size and digest
 * both match. What the sink holds after a failure must be thrown away.
 */
public final class VerifiedCopy {
  private VerifiedCopy() {}

  /** Called after each buffer (1 MiB) with the bytes copied so far: progress, and a cancel's check. */
  @FunctionalInterface
  public interface Step {
    void copied(long done) throws JimgException;
  }

  /**
   * Copies {@code in} into {@code sink}; {@code name} and {@code sender} ("the registry") word the errors. The next
   * buffer is read on a thread of its own (okio hands out 8 KiB a read) while this one hashes and writes the last,
   * as an HTTP pull's download does.
   */
  public static void copy(InputStream in, Descriptor blob, OutputStream sink, String name, String sender, Step step)
      throws IOException {
    try (Sha256 sha256 = Sha256.create()) {
      long[] done = {0};
      BodyReader.forEach(in, blob.size() + 1, "jimg-blob-read", (bytes, n) -> {
        done[0] += n;
        if (done[0] > blob.size()) {
          throw longer(name, sender, blob);
        }
        sha256.update(bytes, 0, n);
        sink.write(bytes, 0, n);
        step.copied(done[0]); // a cancel comes first, before the cut it may have caused
      });
      if (done[0] != blob.size()) {
        throw new JimgException(JimgException.Reason.VERIFICATION, name + ": " + sender + " sent " + done[0]
            + " bytes, where its descriptor declares " + blob.size());
      }
      Digest actual = Digest.of(sha256);
      if (!actual.equals(blob.digest())) {
        throw new JimgException(JimgException.Reason.VERIFICATION, "digest mismatch for " + name
            + ": the bytes sent are " + actual);
      }
    }
  }

  static JimgException longer(String name, String sender, Descriptor blob) {
    return new JimgException(JimgException.Reason.VERIFICATION, name + ": " + sender + " sends more than the "
        + blob.size() + " bytes its descriptor declares");
  }
}
