package io.jimg.transfer.oci.push;

import io.jimg.btrfs.DaemonThreads;
import io.jimg.images.JimgException;
import io.jimg.images.Progress;
import io.jimg.images.StoreListener;
import io.jimg.transfer.oci.registry.Descriptor;

/**
 * The layer's upload while it is exported, where the target can take a blob before its digest is known: a thread
 * sends the spool as it grows, so that the upload ends soon after the export instead of starting then. Where that
 * send fails (a registry that refuses a streamed upload, a dropped connection), {@link #finish} says so and the push
 * uploads the finished spool the usual way, in chunks that resume; a cancel stops both. Closing waits for the
 * thread, which reads the spool's descriptor, so that the spool may be closed after.
 */
final class FollowingUpload implements AutoCloseable {
  /** The progress of the streamed upload; its total is -1 until the export has finished. */
  static final String OPERATION = "upload layer";
  private final PushTarget.BlobStream stream;
  private final StoreListener listener;
  private GrowingSpool spool;
  private Thread thread;
  private volatile Throwable failure;

  FollowingUpload(PushTarget.BlobStream stream, StoreListener listener) {
    this.stream = stream;
    this.listener = listener;
  }

  /** Starts sending {@code spool} from its start; called once, by the export that writes it. */
  void follow(GrowingSpool grown) {
    spool = grown;
    thread = DaemonThreads.named("jimg-upload").newThread(() -> {
      try {
        stream.send(grown.source(), done -> listener.progress(new Progress(OPERATION, done, grown.size(), 0)));
      } catch (Throwable e) {
        failure = e;
      }
    });
    thread.start();
  }

  /**
   * Waits for the send to end and completes the upload as {@code blob}: true where the target took the blob, false
   * where the send failed or the target refused what it received (then the caller uploads the spool again).
   * CANCELLED where the push was cancelled meanwhile.
   */
  boolean finish(Descriptor blob) throws JimgException {
    DaemonThreads.joinUninterruptibly(thread);
    if (failure != null) {
      rethrowCancellation(failure);
      return false;
    }
    try {
      stream.finish(blob);
      return true;
    } catch (JimgException e) {
      rethrowCancellation(e);
      return false;
    }
  }

  private static void rethrowCancellation(Throwable e) throws JimgException {
    if (e instanceof JimgException jimg && jimg.reason() == JimgException.Reason.CANCELLED) {
      throw jimg;
    }
  }

  @Override
  public void close() {
    if (thread != null) {
      // Where the push stopped before the send ended, its next read fails instead of sending the rest.
      spool.fail(new JimgException(JimgException.Reason.FAILED, "the push stopped"));
      thread.interrupt();
      DaemonThreads.joinUninterruptibly(thread);
    }
  }
}
