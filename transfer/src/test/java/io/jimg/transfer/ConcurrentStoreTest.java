package io.jimg.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.Linux;
import io.jimg.btrfs.LockKind;
import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.images.Access;
import io.jimg.images.Image;
import io.jimg.images.ImageLease;
import io.jimg.images.ImageStore;
import io.jimg.images.JimgException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One store, many threads: clone, rename, remove, import-tar, set read-only and list race on a handful of names of
 * one pool, and only the failures the store documents for a lost race (EXISTS, NOT_FOUND, BUSY) may come out.
 * Afterwards every name is a whole image (its files are exactly those of the archive its {@code origin} file
 * names), no temporary or lock file of an operation is left, nothing is locked, and the listing agrees with the
 * directory. The operations are drawn from a seed, printed with any failure ({@code -Djimg.concurrency.seed=N}
 * draws the same ones again; the interleaving is the scheduler's).
 */
class ConcurrentStoreTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();
  @RegisterExtension static final LoopFilesystem EXT4 = LoopFilesystem.ext4().size(512L << 20);

  private static final int THREADS = 16;
  private static final int OPERATIONS_PER_THREAD = 150;
  private static final int NAMES = 8;
  private static final int ARCHIVES = 3;
  private static final int FILES = 12;
  private static final Set<JimgException.Reason> LOST_RACES =
      EnumSet.of(JimgException.Reason.EXISTS, JimgException.Reason.NOT_FOUND, JimgException.Reason.BUSY);
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static final List<Path> ARCHIVE_FILES = new ArrayList<>();

  @BeforeAll
  static void makeArchives() throws IOException {
    for (int k = 0; k < ARCHIVES; k++) {
      Path tree = BTRFS.root().resolve("tree-" + k);
      Files.createDirectories(tree.resolve("data"));
      for (Map.Entry<String, String> file : expected(k).entrySet()) {
        Files.writeString(tree.resolve(file.getKey()), file.getValue());
      }
      Path archive = BTRFS.root().resolve("origin-" + k + ".tar");
      TestTrees.bash("tar --numeric-owner -C " + tree + " -cf " + archive + " .");
      ARCHIVE_FILES.add(archive);
    }
  }

  /** What archive {@code k} holds: a marker naming it, and files whose content says whose they are. */
  private static Map<String, String> expected(int k) {
    Map<String, String> files = new TreeMap<>();
    files.put("origin", "archive-" + k + "\n");
    for (int i = 0; i < FILES; i++) {
      files.put("data/file-" + i, "file " + i + " of archive " + k + "\n".repeat(i + 1));
    }
    return files;
  }

  private static Path pool(String filesystem) throws IOException {
    LoopFilesystem mount = filesystem.equals("btrfs") ? BTRFS : EXT4;
    return Files.createDirectory(mount.root().resolve("pool-" + COUNTER.incrementAndGet()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"btrfs", "ext4"})
  @Timeout(300) // a hang guard only: the run takes seconds
  void manyThreadsLeaveOnlyWholeImagesAndNoLocks(String filesystem) throws Exception {
    long seed = Long.getLong("jimg.concurrency.seed", System.nanoTime());
    Path pool = pool(filesystem);
    ImageStore store = TestStores.on(pool).build();
    Importer importer = Importer.builder(store).build();
    for (int i = 0; i < NAMES / 2; i++) {
      importer.importTar(ARCHIVE_FILES.get(i % ARCHIVES), name(i));
    }
    List<String> unexpected = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      Random random = new Random(seed + t);
      Thread thread = new Thread(() -> {
        try {
          start.await();
          for (int i = 0; i < OPERATIONS_PER_THREAD; i++) {
            String operation = operate(store, importer, random);
            if (operation != null) {
              unexpected.add(operation);
            }
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "store-worker-" + t);
      threads.add(thread);
      thread.start();
    }
    start.countDown();
    for (Thread thread : threads) {
      thread.join();
    }
    String seedText = " (seed " + seed + ", filesystem " + filesystem + ")";
    assertEquals(List.of(), unexpected, "unexpected failures" + seedText);
    assertInvariants(store, pool, seedText);
  }

  private static String name(int i) {
    return "image-" + i;
  }

  /** One random operation; null where it succeeded or lost a race as documented, else what went wrong. */
  private static String operate(ImageStore store, Importer importer, Random random) {
    String a = name(random.nextInt(NAMES));
    String b = name(random.nextInt(NAMES));
    int choice = random.nextInt(100);
    String what = "";
    try {
      if (choice < 25) {
        what = "clone " + a + " " + b;
        if (!a.equals(b)) {
          store.clone(a, b, random.nextBoolean());
        }
      } else if (choice < 45) {
        what = "rename " + a + " " + b;
        if (!a.equals(b)) {
          store.rename(a, b);
        }
      } else if (choice < 60) {
        what = "remove " + a;
        store.remove(List.of(a));
      } else if (choice < 75) {
        int k = random.nextInt(ARCHIVES);
        what = "import-tar archive " + k + " as " + a;
        importer.importTar(ARCHIVE_FILES.get(k), a);
      } else if (choice < 90) {
        boolean readOnly = random.nextBoolean();
        what = "read-only " + readOnly + " " + a;
        store.setReadOnly(a, readOnly);
      } else {
        what = "list";
        store.list(random.nextBoolean());
      }
      return null;
    } catch (JimgException e) {
      return LOST_RACES.contains(e.reason()) ? null : what + ": " + e.reason() + ": " + e.getMessage();
    } catch (IOException | RuntimeException e) {
      return what + ": " + e;
    }
  }

  private static void assertInvariants(ImageStore store, Path pool, String seedText) throws IOException {
    List<String> entries = names(pool);
    assertTrue(entries.stream().noneMatch(n -> n.startsWith(".#jimg-")),
        "temporaries or operation locks left: " + entries + seedText);
    Set<String> onDisk = entries.stream().filter(n -> !n.startsWith(".") && !n.endsWith(".origin"))
        .collect(Collectors.toCollection(TreeSet::new));
    Set<String> listed = store.list(true).stream().map(Image::name).collect(Collectors.toCollection(TreeSet::new));
    assertEquals(onDisk, listed, "the listing and the directory disagree" + seedText);
    // Every image here was imported, cloned or renamed: each has its record, and no record is left without one.
    Set<String> records = entries.stream().filter(n -> n.endsWith(".origin")).collect(Collectors.toSet());
    assertEquals(onDisk.stream().map(n -> n + ".origin").collect(Collectors.toSet()), records,
        "records and images disagree" + seedText);
    for (String name : onDisk) {
      assertWhole(pool.resolve(name), seedText);
      try (ImageLease lease = store.lease(name, Access.WRITE)) {
        assertEquals(name, lease.image().name());
      }
    }
    for (String lockFile : entries.stream().filter(n -> n.endsWith(".lck")).collect(Collectors.toList())) {
      assertUnlocked(pool.resolve(lockFile), seedText);
    }
    Path lockDirectory = pool.resolveSibling(pool.getFileName() + ".locks");
    for (String lockFile : names(lockDirectory)) {
      assertUnlocked(lockDirectory.resolve(lockFile), seedText);
    }
  }

  /** The image holds exactly the files of the archive its marker names, each with that archive's content. */
  private static void assertWhole(Path image, String seedText) throws IOException {
    String origin = Files.readString(image.resolve("origin"));
    int k = Integer.parseInt(origin.trim().substring("archive-".length()));
    Map<String, String> found = new TreeMap<>();
    try (Stream<Path> files = Files.walk(image)) {
      for (Path file : files.filter(Files::isRegularFile).collect(Collectors.toList())) {
        found.put(image.relativize(file).toString(), Files.readString(file));
      }
    }
    assertEquals(expected(k), found, "image " + image + " is not whole" + seedText);
  }

  private static void assertUnlocked(Path lockFile, String seedText) throws IOException {
    try (Fd file = Fd.open(lockFile, Linux.O_RDWR | Linux.O_NOFOLLOW)) {
      assertTrue(file.tryLock(LockKind.EXCLUSIVE), lockFile + " is still locked" + seedText);
    } catch (IOException e) {
      if (Files.exists(lockFile)) {
        fail("cannot check " + lockFile + seedText, e);
      }
    }
  }

  private static List<String> names(Path directory) throws IOException {
    try (Stream<Path> entries = Files.list(directory)) {
      return entries.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }
}
