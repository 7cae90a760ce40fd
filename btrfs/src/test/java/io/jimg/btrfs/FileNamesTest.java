package io.jimg.btrfs;

import static io.jimg.btrfs.NativeTesting.assertErrno;
import static io.jimg.btrfs.NativeTesting.bytes;
import static io.jimg.btrfs.NativeTesting.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.LoopFilesystem;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Names are bytes: any name the kernel allows survives listing, stat and rename, and shows readably. */
class FileNamesTest extends InFreshDirectory {
  @RegisterExtension static final LoopFilesystem TMPFS = LoopFilesystem.tmpfs();

  @Override
  Path filesystemRoot() {
    return TMPFS.root();
  }

  private static ByteBuffer key(byte[] name) {
    return ByteBuffer.wrap(name);
  }

  @Test
  void invalidUtf8NamesRoundTripThroughListStatAndRename() throws NativeException {
    byte[] odd = bytes('x', 0xff, 0xfe);
    byte[] renamed = bytes(0xc3, 0x28, '.', 0x80); // a broken two-byte sequence and a lone continuation byte
    write(dir, odd, bytes("payload"));
    List<DirEntry> entries = dir.list();
    assertEquals(1, entries.size());
    assertArrayEquals(odd, entries.get(0).name());
    assertEquals("x\\xff\\xfe", entries.get(0).displayName());
    assertEquals(dir.stat(odd).inode(), entries.get(0).inode());
    assertEquals(DirEntry.DT_REG, entries.get(0).type());

    dir.rename(odd, dir, renamed, Linux.RENAME_NOREPLACE);
    assertNull(dir.statIfExists(odd));
    assertArrayEquals(renamed, dir.list().get(0).name());
    assertEquals(7, dir.stat(renamed).size());
    // The bytes on disk are exactly these, as ls shows them in octal escapes.
    assertEquals("\\303(.\\200\n", Commands.run("ls", "-1", "--quoting-style=escape", path.toString()));
  }

  @Test
  void listReadsThousandsOfEntriesAcrossManyBuffers() throws NativeException {
    Map<ByteBuffer, Long> created = new HashMap<>();
    for (int i = 0; i < 3000; i++) {
      byte[] name = bytes(String.format("entry-%05d", i));
      write(dir, name, new byte[0]);
      created.put(key(name), dir.stat(name).inode());
    }
    for (int i = 0; i < 300; i++) { // long names fill the 32 KiB buffer after a few hundred
      byte[] name = new byte[FileNames.NAME_MAX];
      Arrays.fill(name, (byte) 'L');
      System.arraycopy(bytes(String.format("%05d", i)), 0, name, 0, 5);
      dir.mkdir(name, 0755);
      created.put(key(name), dir.stat(name).inode());
    }
    List<DirEntry> entries = dir.list();
    assertEquals(created.size(), entries.size());
    Map<ByteBuffer, Long> listed = new HashMap<>();
    for (DirEntry entry : entries) {
      listed.put(key(entry.name()), entry.inode());
      assertEquals(entry.name().length == FileNames.NAME_MAX, entry.isDirectory());
    }
    assertEquals(created, listed);
    assertEquals(entries.size(), dir.list().size(), "a second listing starts from the beginning again");
  }

  @Test
  void longestNameWorksAndOneMoreByteIsRefused() throws NativeException {
    byte[] longest = new byte[FileNames.NAME_MAX];
    Arrays.fill(longest, (byte) 'n');
    dir.mkdir(longest, 0755);
    assertTrue(dir.stat(longest).isDirectory());
    byte[] tooLong = Arrays.copyOf(longest, FileNames.NAME_MAX + 1);
    tooLong[FileNames.NAME_MAX] = 'n';
    assertErrno(Linux.ENAMETOOLONG, () -> dir.mkdir(tooLong, 0755));
  }

  @Test
  void errorMessagesShowInvalidBytesEscaped() {
    NativeException e = assertErrno(Linux.ENOENT, () -> dir.stat(bytes('a', 0xff, 'b')));
    assertEquals("statx " + path + "/a\\xffb: ENOENT (no such file or directory)", e.getMessage());
  }

  @Test
  void showEscapesOnlyInvalidBytes() {
    assertEquals("plain", FileNames.show(bytes("plain")));
    assertEquals("café ✓ 😀", FileNames.show(bytes("café ✓ 😀")));
    assertEquals("a\\xff\\xfeb", FileNames.show(bytes('a', 0xff, 0xfe, 'b')));
    assertEquals("\\xc3(", FileNames.show(bytes(0xc3, '(')));
    assertEquals("ok\\xe2\\x9c", FileNames.show(bytes('o', 'k', 0xe2, 0x9c))); // truncated at the end
    assertEquals("\\xed\\xa0\\x80", FileNames.show(bytes(0xed, 0xa0, 0x80))); // an encoded surrogate is invalid
    assertEquals("\\xc0\\x80", FileNames.show(bytes(0xc0, 0x80))); // an overlong NUL too
    assertEquals("", FileNames.show(new byte[0]));
  }

  @Test
  void isUtf8TellsValidFromInvalid() {
    assertTrue(FileNames.isUtf8(bytes("café")));
    assertFalse(FileNames.isUtf8(bytes(0xff)));
    assertFalse(FileNames.isUtf8(bytes(0xc3)));
  }

  @Test
  void dotAndDotDotAreNotListed() throws NativeException {
    dir.mkdir("..." , 0755);
    write(dir, ".hidden", "");
    assertEquals(List.of("...", ".hidden"), dir.list().stream().map(DirEntry::displayName).sorted().toList());
  }
}
