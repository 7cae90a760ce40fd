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
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Extended attributes byte for byte: capabilities, ACLs, user and trusted names, on files, directories, symlinks. */
class XattrTest extends InFreshDirectory {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();

  @Override
  Path filesystemRoot() {
    return BTRFS.root();
  }

  /** vfs_cap_data revision 2 (20 bytes): cap_net_bind_service (bit 10) permitted and effective. */
  static byte[] netBindServiceCapability() {
    ByteBuffer b = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0x02000000 | 0x000001); // VFS_CAP_REVISION_2 | VFS_CAP_FLAGS_EFFECTIVE
    b.putInt(1 << 10).putInt(0); // permitted, low word then inheritable
    b.putInt(0).putInt(0); // high words
    return b.array();
  }

  /** A posix_acl_xattr value: version 2, then (tag u16, perm u16, id u32) entries in canonical order. */
  static byte[] acl(int userId, int userPermissions) {
    ByteBuffer b = ByteBuffer.allocate(4 + 5 * 8).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(2);
    b.putShort((short) 0x01).putShort((short) 7).putInt(-1); // ACL_USER_OBJ rwx
    b.putShort((short) 0x02).putShort((short) userPermissions).putInt(userId); // ACL_USER
    b.putShort((short) 0x04).putShort((short) 5).putInt(-1); // ACL_GROUP_OBJ r-x
    b.putShort((short) 0x10).putShort((short) 7).putInt(-1); // ACL_MASK rwx
    b.putShort((short) 0x20).putShort((short) 4).putInt(-1); // ACL_OTHER r--
    return b.array();
  }

  private static Set<String> names(List<byte[]> names) {
    return names.stream().map(FileNames::show).collect(Collectors.toSet());
  }

  @Test
  void capabilityValueRoundTripsByteForByteAndTheKernelReadsIt() throws NativeException {
    write(dir, "ping", "x");
    byte[] capability = netBindServiceCapability();
    dir.setXattr(bytes("ping"), bytes("security.capability"), capability);
    assertArrayEquals(capability, dir.getXattr(bytes("ping"), bytes("security.capability")));
    String dump = Commands.run("getfattr", "--absolute-names", "-e", "hex", "-n", "security.capability",
        path.resolve("ping").toString());
    assertTrue(dump.contains("security.capability=0x" + HexFormat.of().formatHex(capability)), dump);
    String capabilities = Commands.run("getcap", path.resolve("ping").toString());
    assertTrue(capabilities.contains("cap_net_bind_service=ep"), capabilities);
  }

  @Test
  void userXattrsWithBinaryAndLargeValuesAndTheirNames() throws NativeException {
    write(dir, "file", "x");
    byte[] binary = bytes(0, 1, 0xff, 0, 0xfe, 0);
    byte[] large = new byte[3000]; // beyond the first two read buffers (btrfs keeps a value within one node)
    for (int i = 0; i < large.length; i++) {
      large[i] = (byte) (i * 31);
    }
    dir.setXattr(bytes("file"), bytes("user.binary"), binary);
    dir.setXattr(bytes("file"), bytes("user.large"), large);
    dir.setXattr(bytes("file"), bytes("user.empty"), new byte[0]);

    assertArrayEquals(binary, dir.getXattr(bytes("file"), bytes("user.binary")));
    assertArrayEquals(large, dir.getXattr(bytes("file"), bytes("user.large")));
    assertArrayEquals(new byte[0], dir.getXattr(bytes("file"), bytes("user.empty")));
    assertNull(dir.getXattr(bytes("file"), bytes("user.missing")));
    assertEquals(Set.of("user.binary", "user.large", "user.empty"), names(dir.xattrNames(bytes("file"))));
    try (Fd file = dir.open("file", Linux.O_RDONLY)) {
      assertArrayEquals(large, file.getXattr(bytes("user.large")), "read through the descriptor itself");
      assertNull(file.getXattr(bytes("user.missing")));
    }

    dir.removeXattr(bytes("file"), bytes("user.binary"));
    assertNull(dir.getXattr(bytes("file"), bytes("user.binary")));
    assertEquals(Set.of("user.large", "user.empty"), names(dir.xattrNames(bytes("file"))));
    assertErrno(Linux.ENODATA, () -> dir.removeXattr(bytes("file"), bytes("user.binary")));
  }

  @Test
  void aclXattrsAreWhatGetfaclShows() throws NativeException {
    write(dir, "file", "x");
    dir.mkdir("directory", 0755);
    byte[] access = acl(100000, 5);
    byte[] inherited = acl(1000, 6);
    dir.setXattr(bytes("file"), bytes("system.posix_acl_access"), access);
    dir.setXattr(bytes("directory"), bytes("system.posix_acl_default"), inherited);

    assertArrayEquals(access, dir.getXattr(bytes("file"), bytes("system.posix_acl_access")));
    assertArrayEquals(inherited, dir.getXattr(bytes("directory"), bytes("system.posix_acl_default")));
    String fileAcl = Commands.run("getfacl", "-n", "--absolute-names", path.resolve("file").toString());
    assertTrue(fileAcl.contains("user:100000:r-x"), fileAcl);
    String directoryAcl = Commands.run("getfacl", "-n", "--absolute-names", path.resolve("directory").toString());
    assertTrue(directoryAcl.contains("default:user:1000:rw-"), directoryAcl);
    // The access ACL's mask is the group class of the mode.
    assertEquals(0774, dir.stat("file").permissions());
  }

  @Test
  void symlinksCarryTheirOwnTrustedAndSecurityXattrs() throws NativeException {
    write(dir, "target", "x");
    dir.symlink(bytes("target"), bytes("sym"));
    dir.setXattr(bytes("sym"), bytes("trusted.jimg"), bytes("link"));
    dir.setXattr(bytes("sym"), bytes("security.jimg"), bytes(0, 0xff));

    assertArrayEquals(bytes("link"), dir.getXattr(bytes("sym"), bytes("trusted.jimg")));
    assertArrayEquals(bytes(0, 0xff), dir.getXattr(bytes("sym"), bytes("security.jimg")));
    assertTrue(names(dir.xattrNames(bytes("sym"))).containsAll(Set.of("trusted.jimg", "security.jimg")));
    assertNull(dir.getXattr(bytes("target"), bytes("trusted.jimg")), "the target must not get the link's xattr");
    assertFalse(names(dir.xattrNames(bytes("target"))).contains("trusted.jimg"));
    String dump = Commands.run("getfattr", "-h", "--absolute-names", "-m", "trusted", "-d",
        path.resolve("sym").toString());
    assertTrue(dump.contains("trusted.jimg=\"link\""), dump);

    // The kernel allows user.* only on regular files and directories.
    assertErrno(Linux.EPERM, () -> dir.setXattr(bytes("sym"), bytes("user.jimg"), bytes("x")));
  }

  @Test
  void xattrsOfTheDescriptorItself() throws NativeException {
    dir.setXattr(null, bytes("user.here"), bytes("directory"));
    assertArrayEquals(bytes("directory"), dir.getXattr(null, bytes("user.here")));
    assertTrue(names(dir.xattrNames(null)).contains("user.here"));

    write(dir, "file", "x");
    dir.symlink(bytes("file"), bytes("sym"));
    try (Fd file = dir.open("file", Linux.O_RDONLY); Fd link = dir.openPath(bytes("sym"))) {
      file.setXattr(null, bytes("user.fd"), bytes("file"));
      assertArrayEquals(bytes("file"), file.getXattr(null, bytes("user.fd")));
      assertEquals(Set.of("user.fd"), names(file.xattrNames(null)));
      file.removeXattr(null, bytes("user.fd"));
      assertNull(dir.getXattr(bytes("file"), bytes("user.fd")));

      link.setXattr(null, bytes("trusted.fd"), bytes("link"));
      assertArrayEquals(bytes("link"), dir.getXattr(bytes("sym"), bytes("trusted.fd")));
      assertNull(dir.getXattr(bytes("file"), bytes("trusted.fd")));
    }
  }

  @Test
  void xattrErrorsNameTheAttributeAndThePath() {
    NativeException e = assertErrno(Linux.ENOENT,
        () -> dir.setXattr(bytes("missing"), bytes("user.x"), bytes("v")));
    assertEquals("lsetxattr user.x " + path + "/missing: ENOENT (no such file or directory)", e.getMessage());
  }
}
