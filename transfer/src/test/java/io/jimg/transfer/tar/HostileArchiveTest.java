package io.jimg.transfer.tar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.transfer.Importer;
import io.jimg.transfer.TestStores;
import io.jimg.transfer.TestTrees;
import io.jimg.transfer.compress.DecoderLimits;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hostile corpus: archives that try to escape the root, lie in their headers or break off. Each unpacks
 * into a root next to a sentinel directory; the sentinel must stay untouched, and a refused archive's error must
 * name the entry (or the place in the archive) that was refused. The corpus runs twice: into a bare root with the
 * limits each case asks for, and through the store with the defaults a command has.
 */
class HostileArchiveTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();
  private static final AtomicInteger COUNTER = new AtomicInteger();

  /** Where one case runs: {@code case/root} is unpacked into, {@code case/sentinel} must not change. */
  record Place(Path root, Path sentinel) {
    /** The sentinel as seen from the root, through {@code ..}. */
    String up() {
      return "../sentinel";
    }
  }

  /**
   * A case: how to make the archive, what the error must contain (null: it must succeed), what else to check, and
   * the limits it runs with.
   */
  record Case(Function<Place, byte[]> archive, String error, Check check, long sizeMax, DecoderLimits limits,
      TarLimits tarLimits) {
    boolean hasDefaultLimits() {
      return sizeMax == -1 && limits.equals(DecoderLimits.DEFAULT) && tarLimits.equals(TarLimits.DEFAULT);
    }
  }

  interface Check {
    void verify(Place place) throws IOException;
  }

  private static Arguments refused(String title, String error, Function<Place, byte[]> archive) {
    return limited(title, TarLimits.DEFAULT, error, archive);
  }

  private static Arguments limited(String title, TarLimits tarLimits, String error, Function<Place, byte[]> archive) {
    return Arguments.of(Named.of(title,
        new Case(archive, error, p -> {}, -1, DecoderLimits.DEFAULT, tarLimits)));
  }

  private static Arguments confined(String title, Check check, Function<Place, byte[]> archive) {
    return Arguments.of(Named.of(title,
        new Case(archive, null, check, -1, DecoderLimits.DEFAULT, TarLimits.DEFAULT)));
  }

  private static TarBuilder tar() {
    return new TarBuilder();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static Stream<Arguments> corpus() {
    List<Arguments> cases = new ArrayList<>();
    // Path traversal.
    cases.add(refused("dot-dot first", "'../escape'", p -> tar().file("../escape", "x").end().bytes()));
    cases.add(refused("dot-dot inside", "'a/../../escape'", p -> tar().file("a/../../escape", "x").end().bytes()));
    cases.add(refused("dot-dot to sentinel", "'../sentinel/file'",
        p -> tar().file("../sentinel/file", "pwned").end().bytes()));
    cases.add(refused("dot-dot in PAX path", "'x/../../sentinel/file'",
        p -> tar().pax("path", "x/../../sentinel/file").file("harmless", "pwned").end().bytes()));
    cases.add(refused("dot-dot in GNU long name", "'../sentinel/file'", p -> {
      TarBuilder t = tar();
      TarBuilder.Header h = t.header("././@LongLink");
      h.type = 'L';
      h.data = bytes("../sentinel/file\0");
      return h.add().file("harmless", "pwned").end().bytes();
    }));
    cases.add(confined("absolute name lands inside the root", p -> {
      assertEquals("inside", Files.readString(p.root().resolve("abs/file")));
    }, p -> tar().file("/abs/file", "inside").end().bytes()));
    cases.add(confined("absolute name of the sentinel lands inside the root", p -> {
      assertTrue(Files.exists(p.root().resolve(p.sentinel().toString().substring(1))));
    }, p -> tar().file(p.sentinel() + "/file", "inside").end().bytes()));
    // Symlink escapes.
    cases.add(refused("file through a symlink to the sentinel", "'link/pwn'",
        p -> tar().symlink("link", p.up()).file("link/pwn", "x").end().bytes()));
    cases.add(refused("file through an absolute symlink", "'link/file'",
        p -> tar().symlink("link", p.sentinel().toString()).file("link/file", "x").end().bytes()));
    cases.add(refused("file through a symlink to /", "'root/tmp/pwn'",
        p -> tar().symlink("root", "/").file("root/tmp/pwn", "x").end().bytes()));
    cases.add(refused("directory through a symlink", "'link/newdir/'",
        p -> tar().symlink("link", p.up()).dir("link/newdir/").end().bytes()));
    cases.add(refused("symlink chain", "'l1/pwn'",
        p -> tar().symlink("l2", p.up()).symlink("l1", "l2").file("l1/pwn", "x").end().bytes()));
    cases.add(refused("symlink loop", "'l1/pwn'",
        p -> tar().symlink("l1", "l2").symlink("l2", "l1").file("l1/pwn", "x").end().bytes()));
    cases.add(refused("symlink deep in the path", "'a/b/link/c/pwn'",
        p -> tar().dir("a/").dir("a/b/").symlink("a/b/link", "../../" + p.up()).file("a/b/link/c/pwn", "x")
            .end().bytes()));
    cases.add(refused("directory then symlink over it", "'d'",
        p -> tar().dir("d/").symlink("d", p.up()).file("d/pwn", "x").end().bytes()));
    cases.add(confined("file over a symlink replaces the symlink", p -> {
      assertTrue(Files.isRegularFile(p.root().resolve("f"), LinkOption.NOFOLLOW_LINKS));
      assertEquals("new", Files.readString(p.root().resolve("f")));
    }, p -> tar().symlink("f", p.up() + "/file").file("f", "new").end().bytes()));
    cases.add(confined("symlink over a symlink is replaced", p -> {
      assertEquals("target", Files.readSymbolicLink(p.root().resolve("s")).toString());
    }, p -> tar().symlink("s", p.up()).symlink("s", "target").end().bytes()));
    cases.add(confined("hard link to an own symlink links the symlink", p -> {
      assertTrue(Files.isSymbolicLink(p.root().resolve("hl")));
    }, p -> tar().symlink("s", p.sentinel() + "/file").hardlink("hl", "s").end().bytes()));
    cases.add(confined("file replacing a hard link keeps the other link's content", p -> {
      assertEquals("old", Files.readString(p.root().resolve("a")));
      assertEquals("new", Files.readString(p.root().resolve("b")));
    }, p -> tar().file("a", "old").hardlink("b", "a").file("b", "new").end().bytes()));
    // Hard link escapes.
    cases.add(refused("hard link with dot-dot", "'hl'", p -> tar().hardlink("hl", p.up() + "/file").end().bytes()));
    cases.add(refused("hard link to an absolute host file", "'hl'",
        p -> tar().hardlink("hl", p.sentinel() + "/file").end().bytes()));
    cases.add(refused("hard link to /etc/passwd", "'hl'", p -> tar().hardlink("hl", "/etc/passwd").end().bytes()));
    cases.add(refused("hard link through a symlink", "'hl'",
        p -> tar().symlink("s", p.up()).hardlink("hl", "s/file").end().bytes()));
    cases.add(refused("hard link to a directory", "'hl'", p -> tar().dir("d/").hardlink("hl", "d").end().bytes()));
    cases.add(refused("hard link to a name not yet created", "'hl'",
        p -> tar().hardlink("hl", "later").file("later", "x").end().bytes()));
    cases.add(refused("hard link to itself", "'hl'", p -> tar().hardlink("hl", "hl").end().bytes()));
    // Type conflicts.
    cases.add(refused("directory over a file", "'x/'", p -> tar().file("x", "1").dir("x/").end().bytes()));
    cases.add(refused("file over a directory", "'x'", p -> tar().dir("x/").file("x", "1").end().bytes()));
    cases.add(refused("file under a file", "'x/y'", p -> tar().file("x", "1").file("x/y", "2").end().bytes()));
    cases.add(refused("file named as the root", "'.'", p -> tar().file(".", "1").end().bytes()));
    // Names.
    cases.add(refused("NUL in a PAX path", "'a\\x00b'", p -> tar().pax("path", bytes("a\0b")).file("ok", "x").end()
        .bytes()));
    cases.add(refused("NUL in a symlink target", "'s'",
        p -> tar().pax("linkpath", bytes("a\0/../b")).symlink("s", "t").end().bytes()));
    cases.add(refused("component over 255 bytes", "longer than 255",
        p -> tar().pax("path", "d/" + "n".repeat(256)).file("ok", "x").end().bytes()));
    cases.add(refused("deeper than 128", "more than 128",
        p -> tar().pax("path", "d/".repeat(129) + "f").file("ok", "x").end().bytes()));
    cases.add(refused("empty xattr name", "'f'", p -> tar().pax("SCHILY.xattr.", "v").file("f", "x").end().bytes()));
    // Header lies.
    cases.add(refused("unknown entry type", "unknown type 'Z'", p -> {
      TarBuilder t = tar();
      TarBuilder.Header h = t.header("weird");
      h.type = 'Z';
      return h.add().end().bytes();
    }));
    cases.add(refused("multi-volume continuation", "unknown type 'M'", p -> {
      TarBuilder t = tar();
      TarBuilder.Header h = t.header("cont");
      h.type = 'M';
      return h.add().end().bytes();
    }));
    cases.add(refused("bad header checksum", "bad header checksum at byte 1024 after entry 'first'", p -> {
      TarBuilder t = tar().file("first", "x");
      TarBuilder.Header h = t.header("second");
      h.badChecksum = true;
      return h.add().end().bytes();
    }));
    cases.add(refused("PAX header over 1 MiB", "more than the 1 MiB",
        p -> tar().pax("comment", "c".repeat(1 << 20)).file("f", "x").end().bytes()));
    cases.add(refused("GNU long name over 1 MiB", "GNU long name", p -> {
      TarBuilder t = tar();
      TarBuilder.Header h = t.header("././@LongLink");
      h.type = 'L';
      h.data = new byte[(1 << 20) + 1];
      Arrays.fill(h.data, (byte) 'a');
      return h.add().end().bytes();
    }));
    cases.add(refused("PAX extended headers piling up before one entry", "1 MiB jimg accepts for one entry",
        p -> tar().pax("comment", "c".repeat(600 << 10)).pax("comment", "d".repeat(600 << 10)).file("f", "x")
            .end().bytes()));
    cases.add(refused("PAX global headers piling up keywords", "PAX global header", p -> {
      TarBuilder t = tar();
      for (int i = 0; i < 100; i++) {
        t.paxGlobal("comment." + i, "x");
      }
      return t.file("f", "x").end().bytes();
    }));
    cases.add(refused("PAX global headers piling up bytes", "PAX global header",
        p -> tar().paxGlobal("a", "c".repeat(40 << 10)).paxGlobal("b", "c".repeat(40 << 10)).file("f", "x")
            .end().bytes()));
    cases.add(confined("a PAX global keyword set again replaces the old value", p -> {
      assertEquals("x", Files.readString(p.root().resolve("f")));
    }, p -> {
      TarBuilder t = tar();
      for (int i = 0; i < 1000; i++) {
        t.paxGlobal("comment", "c".repeat(1000) + i);
      }
      return t.file("f", "x").end().bytes();
    }));
    cases.add(confined("sparse files of many regions wait for the writer, and unpack whole", p -> {
      for (String name : new String[] {"s1", "s2"}) {
        byte[] file = Files.readAllBytes(p.root().resolve(name));
        assertEquals(10_000 * 8192, file.length);
        assertEquals('x', file[9_999 * 8192]);
        assertEquals(0, file[9_999 * 8192 + 1]);
      }
    }, p -> {
      StringBuilder map = new StringBuilder("10000\n");
      for (int i = 0; i < 10_000; i++) {
        map.append(i * 8192).append("\n1\n");
      }
      TarBuilder t = tar();
      for (String name : new String[] {"s1", "s2"}) {
        t.pax("GNU.sparse.major", "1", "GNU.sparse.minor", "0", "GNU.sparse.name", name,
            "GNU.sparse.realsize", String.valueOf(10_000 * 8192)).file("./GNUSparseFile.1/" + name,
            sparseData(map.toString(), "x".repeat(10_000)));
      }
      return t.end().bytes();
    }));
    cases.add(limited("more entries than the limit", new TarLimits(3, 1L << 30, 1L << 30), "more than 3 entries",
        p -> tar().file("a", "1").file("b", "2").file("c", "3").file("d", "4").end().bytes()));
    cases.add(limited("endless zero blocks after the end", new TarLimits(100, 64 << 10, 1L << 30),
        "headers pass 65536 bytes", p -> concat(tar().file("a", "1").end().bytes(), new byte[300 * 512])));
    cases.add(limited("more paths than the memory kept for them", new TarLimits(10_000, 1L << 30, 64 << 10),
        "memory jimg keeps for them", p -> {
          TarBuilder t = tar();
          for (int i = 0; i < 1000; i++) {
            t.file("n".repeat(90) + i, "");
          }
          return t.end().bytes();
        }));
    cases.add(confined("a PAX size that disagrees with the header wins, and the next header is found", p -> {
      assertEquals("abc\0\0", Files.readString(p.root().resolve("f")));
      assertEquals("2", Files.readString(p.root().resolve("g")));
    }, p -> tar().pax("size", "5").file("f", "abc").file("g", "2").end().bytes()));
    cases.add(refused("directory with data: the data is read as a header, as GNU tar reads it",
        "bad header checksum at byte 512 after entry 'd/'", p -> {
      TarBuilder t = tar();
      TarBuilder.Header h = t.header("d/");
      h.type = '5';
      h.data = bytes("data");
      return h.add().end().bytes();
    }));
    cases.add(refused("hard link with a size: its following data is read as a header, as GNU tar reads it",
        "'../sentinel/file'", p -> {
      TarBuilder t = tar().file("f", "x");
      TarBuilder.Header h = t.header("hl");
      h.type = '1';
      h.link = bytes("f");
      h.data = tar().file("../sentinel/file", "pwned").bytes();
      return h.add().end().bytes();
    }));
    cases.add(refused("symlink with data", "'s'", p -> {
      TarBuilder t = tar();
      TarBuilder.Header h = t.header("s");
      h.type = '2';
      h.link = bytes("t");
      h.data = bytes("data");
      return h.add().end().bytes();
    }));
    cases.add(refused("malformed PAX record", "malformed PAX record", p -> {
      TarBuilder t = tar();
      TarBuilder.Header h = t.header("./PaxHeaders/x");
      h.type = 'x';
      h.data = bytes("999 path=x\n");
      return h.add().file("f", "x").end().bytes();
    }));
    cases.add(refused("size field not octal", "not an octal number", p -> {
      TarBuilder t = tar();
      TarBuilder.Header h = t.header("f");
      h.patchAt = 124;
      h.patch = bytes("0000000009x");
      return h.add().end().bytes();
    }));
    cases.add(refused("uid out of range", "'f'", p -> tar().pax("uid", "4294967295").file("f", "x").end().bytes()));
    cases.add(refused("sparse map past the real size", "'s'",
        p -> tar().pax("GNU.sparse.major", "1", "GNU.sparse.minor", "0", "GNU.sparse.name", "s",
            "GNU.sparse.realsize", "10").file("./GNUSparseFile.1/s", sparseData("1\n8\n5\n", "abcde")).end().bytes()));
    cases.add(refused("sparse map holding more than the data", "'s'",
        p -> tar().pax("GNU.sparse.size", "100", "GNU.sparse.map", "0,50").file("s", "short").end().bytes()));
    cases.add(refused("sparse regions overlapping", "'s'",
        p -> tar().pax("GNU.sparse.size", "100", "GNU.sparse.map", "0,3,1,2").file("s", "abcde").end().bytes()));
    // Truncation and trailing garbage.
    cases.add(refused("truncated in data", "truncated in the data of entry 'big'", p -> {
      byte[] whole = tar().file("big", "y".repeat(5000)).end().bytes();
      return Arrays.copyOf(whole, 512 + 1000);
    }));
    cases.add(refused("truncated in a header", "truncated in a header", p -> {
      byte[] whole = tar().file("a", "x").file("b", "y").end().bytes();
      return Arrays.copyOf(whole, 1024 + 100);
    }));
    cases.add(confined("no end-of-archive blocks after a whole entry", p -> {
      assertEquals("x", Files.readString(p.root().resolve("a")));
    }, p -> tar().file("a", "x").bytes()));
    cases.add(refused("no header at all", "the archive is empty", p -> new byte[0]));
    cases.add(refused("PAX header then the end", "truncated", p -> tar().pax("path", "x").bytes()));
    cases.add(refused("zero block after a PAX header", "zero block", p -> tar().pax("path", "x").end().bytes()));
    cases.add(confined("garbage after the end is ignored", p -> {
      assertEquals("x", Files.readString(p.root().resolve("a")));
    }, p -> {
      byte[] archive = tar().file("a", "x").end().bytes();
      byte[] junk = new byte[512];
      Arrays.fill(junk, (byte) 0x41);
      return concat(archive, junk);
    }));
    cases.add(confined("a second archive after the end is not read", p -> {
      assertEquals("1", Files.readString(p.root().resolve("x")));
      assertTrue(Files.notExists(p.root().resolve(".hidden")));
    }, p -> concat(tar().file("x", "1").end().bytes(), tar().file("x", "2").file(".hidden", "2").end().bytes())));
    cases.add(confined("a second archive after a lone zero block is not read", p -> {
      assertEquals("1", Files.readString(p.root().resolve("x")));
      assertTrue(Files.notExists(p.root().resolve(".hidden")));
    }, p -> concat(tar().file("x", "1").bytes(), concat(new byte[512], tar().file(".hidden", "2").end().bytes()))));
    return cases.stream();
  }

  private static String sparseData(String map, String data) {
    StringBuilder s = new StringBuilder(map);
    while (s.length() % 512 != 0) {
      s.append('\0');
    }
    return s + data;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] joined = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, joined, a.length, b.length);
    return joined;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void sentinelStaysUntouched(Case c) throws IOException {
    Place p = place(BTRFS.root().resolve("case-" + COUNTER.incrementAndGet()));
    String before = TestTrees.describe(p.sentinel());
    run(c, p, TarImport.builder());
    assertEquals(before, TestTrees.describe(p.sentinel()));
    assertEquals(List.of(p.root(), p.sentinel()),
        Files.list(p.root().getParent()).sorted().collect(java.util.stream.Collectors.toList()));
  }

  /** A fresh case directory with its empty root and its sentinel. */
  static Place place(Path directory) throws IOException {
    Files.createDirectory(directory);
    Path sentinel = Files.createDirectory(directory.resolve("sentinel"));
    Files.writeString(sentinel.resolve("file"), "sentinel");
    return new Place(Files.createDirectory(directory.resolve("root")), sentinel);
  }

  /** Unpacks the case's archive into the place's root with the case's limits, and checks what it expects. */
  static void run(Case c, Place p, TarImport.Builder builder) throws IOException {
    byte[] archive = c.archive().apply(p);
    TarImport importer = builder.sizeMax(c.sizeMax()).decoderLimits(c.limits()).tarLimits(c.tarLimits()).build();
    if (c.error() == null) {
      extract(importer, new ByteArrayInputStream(archive), p.root());
      c.check().verify(p);
    } else {
      TarException e = assertThrows(TarException.class,
          () -> extract(importer, new ByteArrayInputStream(archive), p.root()));
      assertTrue(e.getMessage().contains(c.error()), "'" + e.getMessage() + "' should contain '" + c.error() + "'");
    }
  }

  static Stream<Arguments> corpusWithDefaultLimits() {
    return corpus().filter(a -> ((Case) ((Named<?>) a.get()[0]).getPayload()).hasDefaultLimits());
  }

  /**
   * The same archives through the store, as a command imports them, with its default limits: the same refusals,
   * and a refused archive leaves no image and no temporary. The pool holds the sentinel, beside the new root.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("corpusWithDefaultLimits")
  void theStoreWithDefaultLimitsRefusesTheSameAndKeepsTheSentinel(Case c) throws IOException {
    Path pool = Files.createDirectory(BTRFS.root().resolve("store-case-" + COUNTER.incrementAndGet()));
    Path sentinel = Files.createDirectory(pool.resolve("sentinel"));
    Files.writeString(sentinel.resolve("file"), "sentinel");
    Place p = new Place(pool.resolve("image"), sentinel);
    String before = TestTrees.describe(sentinel);
    byte[] archive = c.archive().apply(p);
    Importer importer = Importer.builder(TestStores.on(pool).build()).build();
    if (c.error() == null) {
      importer.importTar(new ByteArrayInputStream(archive), "image");
      c.check().verify(p);
    } else {
      TarException e = assertThrows(TarException.class,
          () -> importer.importTar(new ByteArrayInputStream(archive), "image"));
      assertTrue(e.getMessage().contains(c.error()), "'" + e.getMessage() + "' should contain '" + c.error() + "'");
      assertTrue(Files.notExists(p.root()), "no image");
    }
    assertEquals(before, TestTrees.describe(sentinel));
    try (Stream<Path> left = Files.list(pool)) {
      assertEquals(List.of(), left.map(f -> f.getFileName().toString()).filter(n -> n.startsWith(".#jimg"))
          .collect(java.util.stream.Collectors.toList()), "no temporary");
    }
  }

  static void extract(TarImport importer, InputStream in, Path root) throws IOException {
    try (Fd fd = Fd.openDirectory(root)) {
      importer.extract(in, fd);
    }
  }
}
