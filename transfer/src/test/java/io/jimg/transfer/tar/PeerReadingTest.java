package io.jimg.transfer.tar;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.images.StoreEvent;
import io.jimg.images.StoreListener;
import io.jimg.transfer.TestTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Archives that other readers' test suites keep, each unpacked by GNU tar (as root, numeric owners, xattrs and
 * ACLs) and by jimg: the two trees must be the same, so that what {@code tar t} shows is what jimg imports.
 */
class PeerReadingTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();
  private static final AtomicInteger COUNTER = new AtomicInteger();

  /** Both trees, GNU tar's output (its warnings) and the warnings jimg's import sent its listener. */
  record Unpacked(Path jimg, Path gnu, String gnuOutput, List<String> warnings) {}

  static Unpacked bothUnpack(byte[] archive) throws IOException {
    return bothUnpack(archive, b -> b);
  }

  static Unpacked bothUnpack(byte[] archive, UnaryOperator<TarImport.Builder> options, String... gnuOptions)
      throws IOException {
    Unpacked u = unpack(archive, options, gnuOptions);
    TestTrees.assertSameTree(describe(u.gnu()), describe(u.jimg()));
    return u;
  }

  /** Both unpack, without comparing the trees. */
  static Unpacked unpack(byte[] archive, UnaryOperator<TarImport.Builder> options, String... gnuOptions)
      throws IOException {
    int n = COUNTER.incrementAndGet();
    Path file = BTRFS.root().resolve("archive-" + n + ".tar");
    Files.write(file, archive);
    Path gnu = Files.createDirectory(BTRFS.root().resolve("gnu-" + n));
    List<String> command = new java.util.ArrayList<>(List.of("tar", "--numeric-owner", "--xattrs",
        "--xattrs-include=*", "--acls"));
    command.addAll(List.of(gnuOptions));
    command.addAll(List.of("-xf", file.toString(), "-C", gnu.toString()));
    String output = Commands.exec(command).output();
    Path jimg = Files.createDirectory(BTRFS.root().resolve("jimg-" + n));
    List<String> warnings = new CopyOnWriteArrayList<>();
    StoreListener listener = new StoreListener() {
      @Override
      public void event(StoreEvent event) {
        if (event.kind() == StoreEvent.Kind.WARNING) {
          warnings.add(event.message());
        }
      }
    };
    try (Fd root = Fd.openDirectory(jimg)) {
      options.apply(TarImport.builder().listener(listener)).build().extract(file, root);
    }
    return new Unpacked(jimg, gnu, output, warnings);
  }

  /** A tree's description, less the root's own line: the archives here do not set the root's times. */
  private static String describe(Path root) {
    return TestTrees.describe(root).lines().filter(l -> !l.startsWith("E .|"))
        .collect(java.util.stream.Collectors.joining("\n"));
  }

  private static TarBuilder tar() {
    return new TarBuilder();
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file);
  }

  @Test
  void aPaxNumberWithLeadingZerosIsReadAsItsValue() throws IOException {
    TarBuilder t = tar().pax("size", "000000000000000000000999", "mtime", "0000000000000000000001600000000.5");
    TarBuilder.Header h = t.header("z");
    h.size = 0L;
    h.data = "z".repeat(999).getBytes();
    Unpacked u = bothUnpack(h.add().file("next", "next").end().bytes());
    assertEquals(999, Files.size(u.jimg().resolve("z")));
    assertEquals("next", read(u.jimg().resolve("next")));
  }

  @Test
  void onlyTheLastOfSeveralPaxHeadersApplies() throws IOException {
    Unpacked u = bothUnpack(tar().pax("path", "PAX1/PAX1/long-path-name").pax("path", "PAX2/PAX2/long-path-name")
        .pax("path", "bar").file("foo", "x").pax("gid", "7").pax("mtime", "1").file("baz", "y").end().bytes());
    assertEquals("x", read(u.jimg().resolve("bar")));
    assertEquals(0, (int) Files.getAttribute(u.jimg().resolve("baz"), "unix:gid"));
  }

  @Test
  void aPaxSizeWinsOverTheHeaderSize() throws IOException {
    TarBuilder t = tar().pax("size", "4612");
    TarBuilder.Header h = t.header("big");
    h.size = 4L;
    h.data = "q".repeat(4612).getBytes();
    Unpacked u = bothUnpack(h.add().file("next", "next").end().bytes());
    assertEquals(4612, Files.size(u.jimg().resolve("big")));
    assertEquals("next", read(u.jimg().resolve("next")));
  }

  @Test
  void aHardLinkSizeIsIgnoredAndTheNextEntryRead() throws IOException {
    TarBuilder t = tar().file("f", "abc");
    TarBuilder.Header ustar = t.header("hl");
    ustar.type = '1';
    ustar.link = "f".getBytes();
    ustar.size = 600L;
    ustar.add().file("next", "next");
    TarBuilder.Header pax = t.pax("size", "600").header("hl2");
    pax.type = '1';
    pax.link = "f".getBytes();
    Unpacked u = bothUnpack(pax.add().file("last", "last").end().bytes());
    assertEquals("next", read(u.jimg().resolve("next")));
    assertEquals("last", read(u.jimg().resolve("last")));
    assertEquals(3, (int) Files.getAttribute(u.jimg().resolve("f"), "unix:nlink"));
  }

  @Test
  void aDirectorySizeIsIgnoredAndWhatFollowsReadAsHeaders() throws IOException {
    TarBuilder t = new TarBuilder();
    TarBuilder.Header withBlocks = t.header("d/");
    withBlocks.type = '5';
    withBlocks.size = 600L;
    withBlocks.data = tar().file("hidden", "hide").bytes(); // GNU tar reads this as the next entry
    TarBuilder.Header withoutData = withBlocks.add().header("e/");
    withoutData.type = '5';
    withoutData.size = 1L;
    TarBuilder.Header oldStyle = withoutData.add().header("directory1/");
    oldStyle.size = 1L;
    Unpacked u = bothUnpack(oldStyle.add().file("next", "next").end().bytes());
    assertEquals("hide", read(u.jimg().resolve("hidden")));
    assertEquals("next", read(u.jimg().resolve("next")));
    assertEquals(true, Files.isDirectory(u.jimg().resolve("directory1")));
  }

  private static byte[] concat(byte[]... parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  /** Two archives one after the other, the first padded to GNU tar's 10 KiB record, as {@code cat} joins them. */
  private static byte[] twoArchives() {
    byte[] first = tar().file("x", "first").end().bytes();
    return concat(first, new byte[10240 - first.length],
        tar().file("x", "rewritten").file(".hidden", "hidden").end().bytes());
  }

  @Test
  void aSecondArchiveAfterTheEndIsIgnoredWithAWarning() throws IOException {
    Unpacked u = bothUnpack(twoArchives());
    assertEquals("first", read(u.jimg().resolve("x")));
    assertEquals(List.of("data after the end of the archive ignored: 3072 bytes, a second archive? "
        + "(--ignore-zeros reads concatenated archives)"), u.warnings());
  }

  @Test
  void ignoreZerosReadsConcatenatedArchivesWhole() throws IOException {
    Unpacked u = bothUnpack(twoArchives(), b -> b.ignoreZeros(true), "--ignore-zeros");
    assertEquals("rewritten", read(u.jimg().resolve("x")));
    assertEquals("hidden", read(u.jimg().resolve(".hidden")));
    assertEquals(List.of(), u.warnings());
  }

  @Test
  void aStrayNewlineAfterTheEndIsIgnored() throws IOException {
    Unpacked u = bothUnpack(concat(tar().file("f", "abc").end().bytes(), "\n".getBytes()));
    assertEquals("abc", read(u.jimg().resolve("f")));
    assertEquals(List.of(), u.warnings());
    Unpacked ignoring = bothUnpack(concat(tar().file("f", "abc").end().bytes(), "\n".getBytes()),
        b -> b.ignoreZeros(true), "--ignore-zeros");
    assertEquals("abc", read(ignoring.jimg().resolve("f")));
  }

  @Test
  void aCompressedStreamStillProvesItsEndAfterTheMarker() throws IOException {
    java.io.ByteArrayOutputStream gzipped = new java.io.ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(gzipped)) {
      gzip.write(twoArchives());
    }
    byte[] archive = gzipped.toByteArray();
    archive[archive.length - 8] ^= 1; // the CRC of the whole stream, checked only at its end
    Path target = Files.createDirectory(BTRFS.root().resolve("crc-" + COUNTER.incrementAndGet()));
    try (Fd root = Fd.openDirectory(target)) {
      TarException e = org.junit.jupiter.api.Assertions.assertThrows(TarException.class,
          () -> TarImport.builder().build().extract(new java.io.ByteArrayInputStream(archive), root));
      org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("gzip"), e.getMessage());
    }
  }

  @Test
  void anArchiveWithoutEndBlocksIsReadWithAWarning() throws IOException {
    Unpacked u = bothUnpack(tar().file("f", "abc").file("g", "def").bytes());
    assertEquals("def", read(u.jimg().resolve("g")));
    assertEquals(List.of("the archive ends after entry 'g' without the end-of-archive blocks; read as complete"),
        u.warnings());
  }

  @Test
  void anArchiveCutInsideAnEntryIsStillRefused() throws IOException {
    byte[] whole = tar().file("f", "abc").file("g", "d".repeat(2000)).bytes();
    Path target = Files.createDirectory(BTRFS.root().resolve("cut-" + COUNTER.incrementAndGet()));
    try (Fd root = Fd.openDirectory(target)) {
      TarException e = org.junit.jupiter.api.Assertions.assertThrows(TarException.class,
          () -> TarImport.builder().build().extract(new java.io.ByteArrayInputStream(
              java.util.Arrays.copyOf(whole, whole.length - 512)), root));
      org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("truncated in the data of entry 'g'"),
          e.getMessage());
    }
  }

  @Test
  void anAclNameTheHostLacksTakesTheNumericIdTheArchiveGives() throws IOException {
    String acl = "user::rw-,user:%s:r--:77,group::r--,group:%s:r-x:78,mask::r-x,other::r--";
    Unpacked unknown = unpack(tar().pax("SCHILY.acl.access", String.format(acl, "user77", "group78"))
        .file("a", "a").end().bytes(), b -> b);
    assertEquals(List.of("user::rw-", "user:77:r--", "group::r--", "group:78:r-x", "mask::r-x", "other::r--"),
        TestTrees.bash("getfacl -pn --omit-header " + unknown.jimg().resolve("a")).lines()
            .filter(l -> !l.isEmpty()).collect(java.util.stream.Collectors.toList()));
    // GNU tar 1.34 cannot parse that entry and drops the ACL with a warning; with a name the host knows, it takes
    // the host's id, and so does jimg.
    org.junit.jupiter.api.Assertions.assertTrue(unknown.gnuOutput().contains("acl_from_text"), unknown.gnuOutput());
    Unpacked known = bothUnpack(tar().pax("SCHILY.acl.access", String.format(acl, "daemon", "daemon"))
        .file("b", "b").end().bytes());
    org.junit.jupiter.api.Assertions.assertTrue(
        TestTrees.bash("getfacl -pn --omit-header " + known.jimg().resolve("b")).contains("user:1:r--"));
  }

  @Test
  void aGnuLongNameIsCutAtItsFirstNul() throws IOException {
    TarBuilder t = tar();
    TarBuilder.Header h = t.header("././@LongLink");
    h.type = 'L';
    h.data = "abc\0def/ghi\0".getBytes();
    Unpacked u = bothUnpack(h.add().file("short", "x").end().bytes());
    assertEquals("x", read(u.jimg().resolve("abc")));
  }

  private static String refusal(byte[] archive) throws IOException {
    Path target = Files.createDirectory(BTRFS.root().resolve("unread-" + COUNTER.incrementAndGet()));
    try (Fd root = Fd.openDirectory(target)) {
      return org.junit.jupiter.api.Assertions.assertThrows(io.jimg.images.JimgException.class,
          () -> TarImport.builder().build().extract(new java.io.ByteArrayInputStream(archive), "a.tar", root))
          .getMessage();
    }
  }

  @Test
  void aCompressionJimgDoesNotReadIsNamed() throws IOException {
    Path tar = BTRFS.root().resolve("plain-" + COUNTER.incrementAndGet() + ".tar");
    Files.write(tar, tar().file("f", "x".repeat(5000)).end().bytes());
    byte[] lz4Frame = new byte[600];
    System.arraycopy(new byte[] {0x04, 0x22, 0x4d, 0x18, 0x64, 0x40, (byte) 0xa7}, 0, lz4Frame, 0, 7);
    assertEquals("a.tar is compressed with lz4, which jimg does not read; decompress it first (lz4 -d) or use "
        + "xz, gzip, bzip2 or zstd", refusal(lz4Frame));
    String lzma = refusal(Files.readAllBytes(Path.of(TestTrees.bash("lzma -k -f " + tar + " && echo " + tar
        + ".lzma").strip())));
    org.junit.jupiter.api.Assertions.assertTrue(lzma.contains("compressed with lzma"), lzma);
    int[][] heads = {{0x1f, 0x9d, 0x90}, {'L', 'Z', 'I', 'P', 1}, {0x89, 'L', 'Z', 'O', 0, 0x0d, 0x0a, 0x1a, 0x0a},
        {'G', 'R', 'Z', 'i', 'p', 2}, {'L', 'R', 'Z', 'I', 0, 6}, {0x02, 0x21, 0x4c, 0x18}};
    for (int[] head : heads) {
      byte[] file = new byte[600];
      for (int i = 0; i < head.length; i++) {
        file[i] = (byte) head[i];
      }
      org.junit.jupiter.api.Assertions.assertTrue(refusal(file).contains("which jimg does not read"));
    }
  }

  @Test
  void aTarWhoseFirstNameLooksLikeAMagicIsStillATar() throws IOException {
    Unpacked u = bothUnpack(tar().file("]", "bracket").file("LZIP", "lzip").end().bytes());
    assertEquals("bracket", read(u.jimg().resolve("]")));
    Unpacked v = bothUnpack(tar().file("LZIP", "lzip").end().bytes());
    assertEquals("lzip", read(v.jimg().resolve("LZIP")));
  }

  @Test
  void droppedSelinuxLabelsAreSaidOnce() throws IOException {
    byte[] archive = tar().pax("SCHILY.xattr.security.selinux", "system_u:object_r:bin_t:s0\0").file("a", "a")
        .pax("SCHILY.xattr.security.selinux", "system_u:object_r:etc_t:s0\0", "SCHILY.xattr.user.x", "1")
        .file("b", "b").end().bytes();
    Unpacked u = unpack(archive, b -> b);
    assertEquals(List.of("2 security.selinux labels dropped; --keep-selinux-labels keeps them"), u.warnings());
    assertEquals("", TestTrees.bash("getfattr -h --absolute-names -n security.selinux " + u.jimg().resolve("a")
        + " 2>/dev/null || true"));
    Unpacked kept = unpack(archive, b -> b.keepSelinuxLabels(true));
    assertEquals(List.of(), kept.warnings());
  }
}
