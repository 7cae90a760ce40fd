package io.jimg.transfer.oci.push;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.DescriptorOutputStream;
import io.jimg.btrfs.Fd;
import io.jimg.btrfs.Linux;
import io.jimg.images.JimgException;
import io.jimg.images.Progress;
import io.jimg.images.StoreListener;
import io.jimg.transfer.oci.registry.BlobSource;
import io.jimg.transfer.oci.registry.Descriptor;
import io.jimg.transfer.oci.registry.MediaTypes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The upload that follows a layer's export: it reads the spool only as far as the export has written it, ends where
 * the export finished, and falls back (false) where its send failed, except for a cancel, which stops the push.
 */
class FollowingUploadTest {
  @TempDir Path directory;
  private final byte[] bytes = new byte[3 * GrowingSpool.STEP + 12345];
  private final List<Progress> progress = new CopyOnWriteArrayList<>();
  private final StoreListener listener = new StoreListener() {
    @Override
    public void progress(Progress value) {
      progress.add(value);
    }
  };
  private Fd file;

  @BeforeEach
  void spoolFile() throws IOException {
    new Random(7).nextBytes(bytes);
    file = Fd.open(directory.resolve("spool"), Linux.O_RDWR | Linux.O_CREAT | Linux.O_EXCL, 0600);
  }

  @AfterEach
  void closeFile() {
    file.close();
  }

  /** A target that reads what it is sent into {@link #received}, and notes the blob it is finished with. */
  private static class Receiver implements PushTarget.BlobStream {
    final ByteArrayOutputStream received = new ByteArrayOutputStream();
    final CountDownLatch firstRead = new CountDownLatch(1);
    Descriptor finished;

    @Override
    public void send(BlobSource growing, LongConsumer sent) throws JimgException {
      byte[] buffer = new byte[64 * 1024];
      try (InputStream in = growing.openAt(0)) {
        for (int n; (n = in.read(buffer)) > 0; ) {
          received.write(buffer, 0, n);
          sent.accept(received.size());
          firstRead.countDown();
        }
      } catch (JimgException e) {
        throw e;
      } catch (IOException e) {
        throw new JimgException(JimgException.Reason.FAILED, e.getMessage(), e);
      }
    }

    @Override
    public void finish(Descriptor blob) {
      finished = blob;
    }
  }

  private OutputStream spoolOutput(GrowingSpool spool) throws IOException {
    return spool.output(new DescriptorOutputStream(io.jimg.btrfs.Reopen.as(file, Linux.S_IFREG, Linux.O_WRONLY)));
  }

  @Test
  void theUploadReadsWhatTheExportWroteWhileItWritesAndTheWholeOnceItFinished() throws Exception {
    GrowingSpool spool = new GrowingSpool(file);
    Receiver receiver = new Receiver();
    Descriptor blob = Descriptor.of(MediaTypes.OCI_LAYER_GZIP, bytes);
    try (FollowingUpload upload = new FollowingUpload(receiver, listener);
        OutputStream out = spoolOutput(spool)) {
      upload.follow(spool);
      out.write(bytes, 0, GrowingSpool.STEP);
      assertTrue(receiver.firstRead.await(10, TimeUnit.SECONDS), "the first MiB went before the export ended");
      assertEquals(-1, progress.get(0).bytesTotal(), "no total while the export runs");
      out.write(bytes, GrowingSpool.STEP, bytes.length - GrowingSpool.STEP);
      out.flush();
      spool.finish(bytes.length);
      assertTrue(upload.finish(blob));
    }
    assertArrayEquals(bytes, receiver.received.toByteArray());
    assertEquals(blob, receiver.finished);
    assertEquals(FollowingUpload.OPERATION, progress.get(progress.size() - 1).operation());
  }

  /** What {@link FollowingUpload#finish} makes of a send that threw {@code thrown}. */
  private boolean finishAfter(JimgException thrown) throws Exception {
    GrowingSpool spool = new GrowingSpool(file);
    PushTarget.BlobStream failing = new Receiver() {
      @Override
      public void send(BlobSource growing, LongConsumer sent) throws JimgException {
        throw thrown;
      }
    };
    try (FollowingUpload upload = new FollowingUpload(failing, listener)) {
      upload.follow(spool);
      spool.finish(0);
      return upload.finish(Descriptor.of(MediaTypes.OCI_LAYER_GZIP, new byte[0]));
    }
  }

  @Test
  void aSendThatFailsLeavesTheBlobToTheUsualUpload() throws Exception {
    assertFalse(finishAfter(new JimgException(JimgException.Reason.FAILED, "the registry refused the stream")));
  }

  @Test
  void aCancelDuringTheSendStopsThePush() {
    JimgException e = assertThrows(JimgException.class,
        () -> finishAfter(new JimgException(JimgException.Reason.CANCELLED, "push cancelled")));
    assertEquals(JimgException.Reason.CANCELLED, e.reason());
  }

  @Test
  void anExportThatFailsStopsTheSendWhereItWaits() throws Exception {
    GrowingSpool spool = new GrowingSpool(file);
    Receiver receiver = new Receiver();
    FollowingUpload upload = new FollowingUpload(receiver, listener);
    try (OutputStream out = spoolOutput(spool)) {
      upload.follow(spool);
      out.write(bytes, 0, GrowingSpool.STEP);
      out.write(bytes, GrowingSpool.STEP, 10); // written, not announced
      assertTrue(receiver.firstRead.await(10, TimeUnit.SECONDS));
      spool.fail(new IOException("disk full"));
    }
    assertFalse(upload.finish(Descriptor.of(MediaTypes.OCI_LAYER_GZIP, bytes)), "the send failed");
    upload.close();
    assertTrue(receiver.received.size() > 0 && receiver.received.size() <= GrowingSpool.STEP,
        receiver.received.size() + " bytes: no more than was announced before the failure");
    assertEquals(null, receiver.finished);
  }

  @Test
  void closingBeforeTheExportEndedStopsAWaitingSend() throws Exception {
    GrowingSpool spool = new GrowingSpool(file);
    Receiver receiver = new Receiver();
    FollowingUpload upload = new FollowingUpload(receiver, listener);
    upload.follow(spool);
    upload.close(); // returns only once the sending thread has ended: it waited for bytes that will never come
    assertEquals(0, receiver.received.size());
    assertEquals(-1, spool.size());
  }

  @Test
  void theSpoolReadsFromAnyOffsetUpToItsEnd() throws Exception {
    GrowingSpool spool = new GrowingSpool(file);
    try (OutputStream out = spoolOutput(spool)) {
      out.write(bytes);
    }
    spool.finish(bytes.length);
    try (InputStream in = spool.source().openAt(bytes.length - 5)) {
      assertArrayEquals(java.util.Arrays.copyOfRange(bytes, bytes.length - 5, bytes.length), in.readAllBytes());
    }
    assertEquals(bytes.length, spool.size());
  }
}
