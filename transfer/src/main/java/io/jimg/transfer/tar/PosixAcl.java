package io.jimg.transfer.tar;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Turns an ACL in text form (as {@code SCHILY.acl.access} carries it) into the kernel's
 * {@code system.posix_acl_*} xattr value. GNU tar writes user and group names there even with
 * {@code --numeric-owner}; like GNU tar on extraction, names are looked up in the host's /etc/passwd and /etc/group
 * (only where the archive gives no {@code system.posix_acl_*} xattr, which wins), and a name the host lacks takes
 * the numeric id that star's form gives after the permissions.
 */
final class PosixAcl {
  private PosixAcl() {}

  private static final int VERSION = 2;
  private static final int USER_OBJ = 0x01;
  private static final int USER = 0x02;
  private static final int GROUP_OBJ = 0x04;
  private static final int GROUP = 0x08;
  private static final int MASK = 0x10;
  private static final int OTHER = 0x20;
  private static final long UNDEFINED_ID = 0xffffffffL;

  /** Name to id maps of the host's account files, read once when a name first needs one. */
  private static final class HostNames {
    static final java.util.Map<String, Long> USERS = read("/etc/passwd");
    static final java.util.Map<String, Long> GROUPS = read("/etc/group");

    private static java.util.Map<String, Long> read(String file) {
      java.util.Map<String, Long> ids = new java.util.HashMap<>();
      try {
        // The host's own /etc/passwd and /etc/group, which root trusts.
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of(file))) {
          String[] fields = line.split(":", -1);
          if (fields.length > 2 && fields[2].matches("[0-9]{1,10}")) {
            ids.putIfAbsent(fields[0], Long.parseLong(fields[2]));
          }
        }
      } catch (java.io.IOException | RuntimeException e) {
        // No account file: only numeric qualifiers can be taken.
      }
      return ids;
    }
  }

  /** The xattr value; throws IllegalArgumentException with a reason when the text is not a numeric ACL. */
  static byte[] fromText(String text) {
    List<long[]> entries = new ArrayList<>();
    for (String raw : text.split("[,\n]")) {
      String entry = raw.strip();
      int comment = entry.indexOf('#');
      if (comment >= 0) {
        entry = entry.substring(0, comment).strip();
      }
      if (entry.isEmpty()) {
        continue;
      }
      String[] parts = entry.split(":", -1);
      if (parts.length < 3) {
        throw new IllegalArgumentException("ACL entry '" + entry + "' is not tag:qualifier:permissions");
      }
      String qualifier = parts[1];
      int tag;
      switch (parts[0]) {
        case "user": case "u":
          tag = qualifier.isEmpty() ? USER_OBJ : USER;
          break;
        case "group": case "g":
          tag = qualifier.isEmpty() ? GROUP_OBJ : GROUP;
          break;
        case "mask": case "m":
          tag = MASK;
          break;
        case "other": case "o":
          tag = OTHER;
          break;
        default:
          throw new IllegalArgumentException("ACL entry '" + entry + "' has an unknown tag");
      }
      long id = UNDEFINED_ID;
      if (tag == USER || tag == GROUP) {
        if (qualifier.matches("[0-9]{1,10}") && Long.parseLong(qualifier) < UNDEFINED_ID) {
          id = Long.parseLong(qualifier);
        } else {
          Long found = (tag == USER ? HostNames.USERS : HostNames.GROUPS).get(qualifier);
          if (found == null) {
            // star's form adds the numeric id as a fourth field (user:user77:r--:77): where the host lacks the
            // name, that id is what the archive means, as libarchive reads it.
            found = numericId(parts);
          }
          if (found == null) {
            throw new IllegalArgumentException("ACL entry '" + entry + "' names a user or group this host lacks");
          }
          id = found;
        }
      }
      String permissions = parts[2];
      int perm = 0;
      for (char c : permissions.toCharArray()) {
        switch (c) {
          case 'r': perm |= 4; break;
          case 'w': perm |= 2; break;
          case 'x': perm |= 1; break;
          case '-': break;
          default: throw new IllegalArgumentException("ACL entry '" + entry + "' has bad permissions");
        }
      }
      entries.add(new long[] {tag, perm, id});
    }
    entries.sort(Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[2]));
    ByteBuffer b = ByteBuffer.allocate(4 + 8 * entries.size()).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(VERSION);
    for (long[] e : entries) {
      b.putShort((short) e[0]).putShort((short) e[1]).putInt((int) e[2]);
    }
    return b.array();
  }

  /** The numeric id a fourth field gives, or null. */
  private static Long numericId(String[] parts) {
    if (parts.length > 3 && parts[3].matches("[0-9]{1,10}") && Long.parseLong(parts[3]) < UNDEFINED_ID) {
      return Long.parseLong(parts[3]);
    }
    return null;
  }

  /**
   * The text form of an xattr value, with numeric qualifiers, as GNU tar's {@code --acls} expects it in
   * {@code SCHILY.acl.*}; null where the value is no ACL this code knows.
   */
  static String toText(byte[] value) {
    if (value.length < 4 || (value.length - 4) % 8 != 0) {
      return null;
    }
    ByteBuffer b = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN);
    if (b.getInt(0) != VERSION) {
      return null;
    }
    StringBuilder text = new StringBuilder();
    for (int offset = 4; offset < value.length; offset += 8) {
      int tag = Short.toUnsignedInt(b.getShort(offset));
      int perm = Short.toUnsignedInt(b.getShort(offset + 2));
      long id = Integer.toUnsignedLong(b.getInt(offset + 4));
      switch (tag) {
        case USER_OBJ: text.append("user::"); break;
        case USER: text.append("user:").append(id).append(':'); break;
        case GROUP_OBJ: text.append("group::"); break;
        case GROUP: text.append("group:").append(id).append(':'); break;
        case MASK: text.append("mask::"); break;
        case OTHER: text.append("other::"); break;
        default: return null;
      }
      text.append((perm & 4) != 0 ? 'r' : '-').append((perm & 2) != 0 ? 'w' : '-').append((perm & 1) != 0 ? 'x' : '-');
      text.append('\n');
    }
    return text.toString();
  }
}
