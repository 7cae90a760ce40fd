package io.jimg.transfer.oci.registry;

import io.jimg.btrfs.DaemonThreads;
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
    BodyReader reader = new BodyReader(in, blob.size() + 1);
    Thread readerThread = DaemonThreads.named("jimg-blob-read").newThread(reader);
    readerThread.start();
    try (Sha256 sha256 = Sha256.create()) {
      long done = 0;
      while (true) {
        BodyReader.Filled filled = reader.next();
        int n = filled.length();
        done += n;
        if (done > blob.size()) {
          throw longer(name, sender, blob);
        }
        sha256.update(filled.bytes(), 0, n);
        sink.write(filled.bytes(), 0, n);
        reader.recycle(filled.bytes());
        step.copied(done); // a cancel comes first, before the cut it may have caused
        if (filled.cut() != null) {
          throw filled.cut();
        }
        if (filled.end()) {
          break;
        }
      }
      if (done != blob.size()) {
        throw new JimgException(JimgException.Reason.VERIFICATION, name + ": " + sender + " sent " + done
            + " bytes, where its descriptor declares " + blob.size());
      }
      Digest actual = Digest.of(sha256);
      if (!actual.equals(blob.digest())) {
        throw new JimgException(JimgException.Reason.VERIFICATION, "digest mismatch for " + name
            + ": the bytes sent are " + actual);
      }
    } finally {
      // Interrupted, the reader stops after the read under way, which ends with data, the end of the stream, the
      // read timeout or the cancelled call's closed socket: the caller may close the stream once it has ended.
      readerThread.interrupt();
      DaemonThreads.joinUninterruptibly(readerThread);
    }
  }

  static JimgException longer(String name, String sender, Descriptor blob) {
    return new JimgException(JimgException.Reason.VERIFICATION, name + ": " + sender + " sends more than the "
        + blob.size() + " bytes its descriptor declares");
  }
}
