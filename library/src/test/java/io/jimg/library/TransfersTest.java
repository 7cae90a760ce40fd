package io.jimg.library;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.images.CreateOptions;
import io.jimg.images.Image;
import io.jimg.images.JimgException;
import io.jimg.images.Progress;
import io.jimg.images.StoreEvent;
import io.jimg.transfer.oci.ImageReference;
import io.jimg.transfer.oci.push.PushOptions;
import io.jimg.transfer.oci.push.Pushed;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The registry of transfers, with real imports into a pool on a filesystem of the test's own. */
class TransfersTest {
  @RegisterExtension static final LoopFilesystem EXT4 = LoopFilesystem.ext4();

  /** What the listener heard, with the transfer's id where there was one (-1 where not). */
  record Heard(long transfer, Object what) {}

  final List<Heard> heard = Collections.synchronizedList(new ArrayList<>());
  Path pool;
  Path tree;
  Jimg jimg;

  @BeforeEach
  void root() throws IOException {
    Path base = EXT4.newDirectory("transfers-");
    pool = base.resolve("machines");
    tree = Files.createDirectories(base.resolve("tree/etc"));
    Files.writeString(tree.resolve("os-release"), "ID=debian\n");
    Files.write(tree.resolve("data"), new byte[256 * 1024]);
    jimg = Jimg.builder().imageRoot(pool).imageLockDirectory(base.resolve("locks")).listener(new JimgListener() {
      @Override
      public void event(long transfer, StoreEvent event) {
        heard.add(new Heard(transfer, event));
      }

      @Override
      public void progress(long transfer, Progress progress) {
        heard.add(new Heard(transfer, progress));
      }

      @Override
      public void event(StoreEvent event) {
        heard.add(new Heard(-1, event));
      }
    }).build();
  }

  @Test
  void aTransferLeavesTheRegistryWhenItSucceedsAndItsEventsAndProgressCarryItsId() throws Exception {
    Transfer<Image> first = jimg.transfers().importFs(tree.getParent(), "first", ImportRequest.DEFAULTS);
    Transfer<Image> second = jimg.transfers().importFs(tree.getParent(), "second", ImportRequest.DEFAULTS);

    assertEquals("first", first.await().name());
    assertEquals("second", second.await().name());
    assertNotEquals(first.id(), second.id());
    assertEquals(Transfer.Type.IMPORT_FS, first.type());
    assertEquals("import-fs", first.type().toString());
    assertEquals("first", first.local());
    assertEquals(tree.getParent().toString(), first.remote());
    assertTrue(first.isDone());
    assertEquals(List.of(), jimg.transfers().list());
    assertTrue(jimg.transfers().get(first.id()).isEmpty());
    List<Heard> firsts = heardOf(first.id());
    assertTrue(firsts.stream().anyMatch(h -> h.what() instanceof Progress), "progress under the id: " + heard);
    assertTrue(firsts.stream().anyMatch(h -> h.what() instanceof StoreEvent event
        && event.kind() == StoreEvent.Kind.CREATED && "first".equals(event.image())), "the store's event: " + heard);
    assertTrue(heardOf(-1).stream().noneMatch(h -> h.what() instanceof Progress), "no progress without an id");
    assertTrue(first.progress().bytesDone() >= 256 * 1024, "the transfer keeps its last progress");
  }

  @Test
  void aPushIsATransferOfItsOwnTypeThatReportsUnderItsId() throws Exception {
    jimg.transfers().importFs(tree.getParent(), "small", ImportRequest.DEFAULTS).await();
    Path layout = pool.resolveSibling("layout");
    Transfer<Pushed> push = jimg.transfers().push("small", ImageReference.parse("oci:" + layout + ":v1"),
        PushOptions.defaults());
    assertEquals("push-oci", push.type().toString());
    assertEquals("small", push.local());
    assertEquals("oci:" + layout + ":v1", push.remote());
    Pushed pushed = push.await();
    assertEquals("oci:" + layout + ":v1", pushed.reference());
    assertEquals(2, pushed.uploaded());
    assertTrue(Files.isRegularFile(layout.resolve("blobs/sha256/" + pushed.digest().hex())), "the manifest is there");
    assertTrue(heardOf(push.id()).stream().anyMatch(h -> h.what() instanceof Progress), "progress under the id");
  }

  @Test
  void aTransferLeavesTheRegistryWhenItFails() throws Exception {
    jimg.transfers().importFs(tree.getParent(), "taken", ImportRequest.DEFAULTS).await();

    Transfer<Image> again = jimg.transfers().importFs(tree.getParent(), "taken", ImportRequest.DEFAULTS);

    JimgException failure = assertThrows(JimgException.class, again::await);
    assertEquals(JimgException.Reason.EXISTS, failure.reason());
    assertTrue(again.isDone());
    assertEquals(List.of(), jimg.transfers().list());
    assertEquals(List.of("taken", "taken.origin"), poolEntries(), "the first import, with its record");
  }

  @Test
  void cancelAsksTheWorkToStopWaitsUntilItHasEndedAndLeavesNothing() throws Exception {
    Blocking blocking = new Blocking(new CountDownLatch(1));
    Transfer<Image> transfer = blocking.start(jimg, "stopped");
    blocking.filling.await();

    assertEquals(List.of(transfer), jimg.transfers().list());
    assertSame(transfer, jimg.transfers().get(transfer.id()).orElseThrow());
    assertFalse(transfer.isDone());

    AtomicBoolean cancelReturned = new AtomicBoolean();
    Thread canceller = new Thread(() -> {
      transfer.cancel();
      cancelReturned.set(true);
    });
    canceller.start();
    blocking.asked.await();
    // The work has seen the request and is held until the test lets it end: cancel cannot have returned.
    assertFalse(cancelReturned.get(), "cancel returned while the work still ran");
    assertFalse(blocking.ended.get());
    blocking.finish.countDown();
    canceller.join();

    assertTrue(cancelReturned.get());
    assertTrue(blocking.ended.get(), "cancel returned only once the work had ended");
    assertTrue(transfer.isDone());
    assertEquals(List.of(), jimg.transfers().list());
    JimgException failure = assertThrows(JimgException.class, transfer::await);
    assertEquals(JimgException.Reason.CANCELLED, failure.reason());
    assertEquals("clone of 'stopped' was cancelled", failure.getMessage());
    assertEquals(List.of(), poolEntries(), "no image, temporary or lock file is left");
  }

  @Test
  void theRegistryCancelsByIdAndRefusesAnIdThatIsNotRunning() throws Exception {
    Blocking blocking = new Blocking(new CountDownLatch(0));
    Transfer<Image> transfer = blocking.start(jimg, "by-id");
    blocking.filling.await();

    jimg.transfers().cancel(transfer.id());

    assertTrue(blocking.ended.get());
    assertTrue(jimg.transfers().get(transfer.id()).isEmpty());
    JimgException unknown = assertThrows(JimgException.class, () -> jimg.transfers().cancel(transfer.id()));
    assertEquals(JimgException.Reason.NOT_FOUND, unknown.reason());
    assertEquals(List.of(), poolEntries());
  }

  @Test
  void idsAreUniqueAcrossRootsAndThreads() throws Exception {
    Jimg other = Jimg.builder().imageRoot(pool).imageLockDirectory(pool.resolveSibling("locks")).build();
    List<Transfer<?>> transfers = Collections.synchronizedList(new ArrayList<>());
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Jimg root = i % 2 == 0 ? jimg : other;
      int index = i;
      threads.add(new Thread(() -> transfers.add(root.transfers().importFs(tree.getParent(), "image" + index,
          ImportRequest.DEFAULTS))));
    }
    threads.forEach(Thread::start);
    for (Thread thread : threads) {
      thread.join();
    }
    Set<Long> ids = new HashSet<>();
    for (Transfer<?> transfer : transfers) {
      transfer.await();
      ids.add(transfer.id());
    }
    assertEquals(8, ids.size());
    assertEquals(List.of(), jimg.transfers().list());
  }

  private List<Heard> heardOf(long id) {
    synchronized (heard) {
      return heard.stream().filter(h -> h.transfer() == id).toList();
    }
  }

  private List<String> poolEntries() throws IOException {
    try (Stream<Path> entries = Files.list(pool)) {
      return entries.map(entry -> entry.getFileName().toString()).sorted().toList();
    }
  }

  /**
   * A transfer whose work makes an image whose filler waits for the cancellation, then for {@code finish}, and then
   * checks it, as the import loops will; it says when it is filling, when it saw the request and when it has ended.
   */
  static final class Blocking {
    final CountDownLatch filling = new CountDownLatch(1);
    final CountDownLatch asked = new CountDownLatch(1);
    final CountDownLatch finish;
    final AtomicBoolean ended = new AtomicBoolean();

    Blocking(CountDownLatch finish) {
      this.finish = finish;
    }

    Transfer<Image> start(Jimg jimg, String name) {
      Registry registry = jimg.transfers().registry();
      return registry.start(Transfer.Type.CLONE, name, "template", (cancellation, listener) -> {
        try {
          return jimg.images().createTree(name, CreateOptions.DEFAULT, image -> {
            try (var registration = cancellation.onCancel(asked::countDown)) {
              filling.countDown();
              asked.await();
              finish.await();
            } catch (InterruptedException e) {
              throw new IOException(e);
            }
            cancellation.check();
          });
        } finally {
          ended.set(true);
        }
      });
    }
  }
}
