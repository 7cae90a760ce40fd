package io.jimg.transfer.tar;

import io.jimg.transfer.tar.PaxRecords.Record;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/** What PAX keywords mean for an entry: each record read over the header's fields, in order, later ones winning. */
final class PaxKeywords {
  private PaxKeywords() {}

  private static final String SCHILY_XATTR = "SCHILY.xattr.";
  private static final String LIBARCHIVE_XATTR = "LIBARCHIVE.xattr.";

  /** Applies {@code records} to {@code e}; the GNU.sparse.* ones go to {@code sparse}. */
  static void apply(TarEntry e, List<Record> records, SparseMap sparse) throws TarException {
    Long size = null;
    for (Record r : records) {
      if (r.key().equals("size")) {
        size = PaxRecords.decimal(r.value(), r.key(), e);
      } else if (!sparse.pax(r.key(), r.value(), e)) {
        apply(e, r.key(), r.value());
      }
    }
    if (size != null) {
      e.size = size; // POSIX: a PAX size overrides the header's, as GNU tar, bsdtar and Go read it
    }
  }

  private static void apply(TarEntry e, String key, byte[] v) throws TarException {
    switch (key) {
      case "path" -> e.path = v;
      case "linkpath" -> e.linkPath = v;
      case "uid" -> e.uid = PaxRecords.decimal(v, key, e);
      case "gid" -> e.gid = PaxRecords.decimal(v, key, e);
      case "mtime" -> {
        long[] t = PaxRecords.time(v, key, e);
        e.mtimeSeconds = t[0];
        e.mtimeNanos = (int) t[1];
      }
      case "atime" -> {
        long[] t = PaxRecords.time(v, key, e);
        e.atimeSeconds = t[0];
        e.atimeNanos = (int) t[1];
      }
      case "SCHILY.devmajor" -> e.deviceMajor = PaxRecords.decimal(v, key, e);
      case "SCHILY.devminor" -> e.deviceMinor = PaxRecords.decimal(v, key, e);
      case "SCHILY.acl.access" -> e.aclAccess = new String(v, StandardCharsets.UTF_8);
      case "SCHILY.acl.default" -> e.aclDefault = new String(v, StandardCharsets.UTF_8);
      default -> xattr(e, key, v);
    }
  }

  private static void xattr(TarEntry e, String key, byte[] v) throws TarException {
    if (key.startsWith(SCHILY_XATTR)) {
      e.xattrs.put(key.substring(SCHILY_XATTR.length()), v);
    } else if (key.startsWith(LIBARCHIVE_XATTR)) {
      try {
        e.xattrs.put(PaxRecords.percentDecode(key.substring(LIBARCHIVE_XATTR.length())),
            Base64.getDecoder().decode(v));
      } catch (IllegalArgumentException ex) {
        throw new TarException("entry '" + e + "': bad base64 in " + key);
      }
    }
    // Other keywords (uname, gname, ctime, comment, charset, SCHILY.dev...) change nothing jimg restores.
  }
}
