package io.jimg.transfer.tar;

import static io.jimg.btrfs.Linux.O_CREAT;
import static io.jimg.btrfs.Linux.O_DIRECTORY;
import static io.jimg.btrfs.Linux.O_EXCL;
import static io.jimg.btrfs.Linux.O_NOFOLLOW;
import static io.jimg.btrfs.Linux.O_PATH;
import static io.jimg.btrfs.Linux.O_WRONLY;
import static io.jimg.transfer.tar.MemberNames.components;
import static io.jimg.transfer.tar.MemberNames.indexOf;
import static io.jimg.transfer.tar.MemberNames.key;
import static io.jimg.transfer.tar.MemberNames.linkKey;
import static io.jimg.transfer.tar.MemberNames.showPath;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.FileNames;
import io.jimg.btrfs.Linux;
import io.jimg.btrfs.NativeException;
import io.jimg.btrfs.Stat;
import io.jimg.transfer.raw.WriteBudget;
import io.jimg.transfer.tar.TarEntry.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes entries into a fresh root, fd-relative and hostile-safe. Every parent is reached by a walk that opens
 * one component at a time with O_NOFOLLOW|O_DIRECTORY from the root, so no symlink in the image can lead outside
 * it; names are checked for {@code ..}, NUL, length and depth first. Metadata goes on in the order the kernel
 * needs (create, chown, chmod, xattrs, times), and directories get theirs after every entry. Each inode made is
 * charged to the import's {@link WriteBudget} (file data is, by the file writer), and the entries and the paths
 * kept in memory until the end are counted against the {@link TarLimits}.
 */
final class Extraction {
  private static final int CACHED_DIRECTORIES = 256;
  /** What a path kept in a set costs the heap beyond its bytes: the string, its array, the node, a table slot. */
  private static final int PATH_OVERHEAD = 96;
  /** What a directory entry kept for its metadata costs beyond its names and xattrs. */
  private static final int ENTRY_OVERHEAD = 256;
  /**
   * A file that holds more than this in memory (xattrs, a sparse map) waits for the file writer to catch up before
   * it is queued: the queue then holds at most one such file, and its other files stay small.
   */
  private static final long HEAVY_FILE = 64 << 10;

  private final Fd root;
  private final TarImport options;
  private final FileWriting writing;
  private final WriteBudget budget;
  /** What a layer applied onto its parents' tree does beyond an import; null for an import into an empty root. */
  private final Overlay overlay;
  private final Set<String> createdNonDirectories = new HashSet<>();
  private final Set<String> createdDirectories = new HashSet<>();
  /** Directories whose metadata waits for the end, by path; the value is the last entry that named them. */
  private final Map<String, TarEntry> directories = new LinkedHashMap<>();
  private final LinkedHashMap<String, Fd> openDirectories =
      new LinkedHashMap<>(CACHED_DIRECTORIES * 2, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Fd> eldest) {
          if (size() > CACHED_DIRECTORIES) {
            eldest.getValue().close();
            return true;
          }
          return false;
        }
      };
  /** The owner a file created here gets (from the first one made), or -1s where the root is setgid. */
  private long[] newFileOwner;
  /** An estimate of the heap the sets and the directory map hold. */
  private long pathMemory;
  long entries;
  /** The security.selinux labels left out, so the import can say so once. */
  long selinuxLabelsDropped;

  Extraction(Fd root, TarImport options, FileWriting writing, WriteBudget budget) {
    this.root = root;
    this.options = options;
    this.writing = writing;
    this.budget = budget;
    this.overlay = options.overlay ? new Overlay(this) : null;
  }

  /** Creates one entry, reading its data from {@code reader}. */
  void extract(TarEntry e, TarReader reader) throws IOException {
    List<byte[]> components = components(e.path, e);
    entries++;
    if (entries > options.limits.entries()) {
      throw fail(e, "the archive has more than " + options.limits.entries() + " entries, the most jimg unpacks");
    }
    if (components.isEmpty()) {
      if (e.kind != Kind.DIRECTORY) {
        throw fail(e, "it names the root directory but is no directory");
      }
      keepDirectory("", e);
      return;
    }
    try {
      if (overlay != null && overlay.appliedWhiteout(components, e)) {
        return;
      }
      Fd parent = directory(components, components.size() - 1, e);
      byte[] name = components.get(components.size() - 1);
      String key = key(components, components.size());
      // The root starts empty, so only what this import made can be in the way; the kernel's EEXIST covers the rest.
      // A layer's root holds its parent layers' tree: anything may be there.
      boolean known = overlay != null || createdNonDirectories.contains(key) || createdDirectories.contains(key);
      Stat existing = known ? parent.statIfExists(name) : null;
      if (overlay != null && existing != null && overlay.replacedLower(parent, name, key, existing, e)) {
        existing = null;
      }
      if (e.kind == Kind.DIRECTORY) {
        if (existing == null) {
          try {
            budget.chargeInode(metadataBytes(e));
            parent.mkdir(name, 0700);
          } catch (NativeException ex) {
            if (!ex.is(Linux.EEXIST) || !parent.stat(name).isDirectory()) {
              throw ex.is(Linux.EEXIST) ? fail(e, "a directory entry would replace a non-directory") : ex;
            }
          }
        } else if (!existing.isDirectory()) {
          throw fail(e, "a directory entry would replace a non-directory");
        }
        remember(createdDirectories, key, e);
        keepDirectory(key, e);
        return;
      }
      if (existing != null && !makeRoom(parent, name, existing, key, e)) {
        return;
      }
      try {
        create(parent, name, e, reader);
      } catch (NativeException ex) {
        if (!ex.is(Linux.EEXIST) || existing != null) {
          throw ex;
        }
        if (!makeRoom(parent, name, parent.stat(name), key, e)) {
          return;
        }
        create(parent, name, e, reader);
      }
      remember(createdNonDirectories, key, e);
    } catch (NativeException ex) {
      throw fail(e, ex);
    }
  }

  /**
   * Removes a non-directory in the way of a new entry, which becomes a new inode: nothing is written through
   * what was there, and other links of an old file keep their content. False where nothing is left to do.
   */
  private boolean makeRoom(Fd parent, byte[] name, Stat existing, String key, TarEntry e) throws IOException {
    if (existing.isDirectory()) {
      throw fail(e, "a non-directory entry would replace a directory");
    }
    if (e.kind == Kind.HARDLINK && key.equals(linkKey(e))) {
      return false; // a hard link to itself changes nothing
    }
    parent.unlink(name);
    return true;
  }

  private void create(Fd parent, byte[] name, TarEntry e, TarReader reader) throws IOException {
    if (e.kind != Kind.HARDLINK) {
      budget.chargeInode(metadataBytes(e));
    }
    switch (e.kind) {
      case FILE:
        createFile(parent, name, e, reader);
        break;
      case HARDLINK:
        link(parent, name, e);
        break;
      case SYMLINK:
        if (e.linkPath.length == 0 || indexOf(e.linkPath, (byte) 0) >= 0) {
          throw fail(e, "its symlink target is empty or holds a NUL byte");
        }
        parent.symlink(e.linkPath, name);
        finishNonDirectory(parent, name, e, false);
        break;
      case CHARACTER_DEVICE:
      case BLOCK_DEVICE:
      case FIFO:
        int type = e.kind == Kind.FIFO ? Linux.S_IFIFO
            : e.kind == Kind.CHARACTER_DEVICE ? Linux.S_IFCHR : Linux.S_IFBLK;
        long device = e.kind == Kind.FIFO ? 0 : Linux.makedev(e.deviceMajor, e.deviceMinor);
        parent.mknod(name, type | 0600, device);
        finishNonDirectory(parent, name, e, true);
        break;
      default:
        throw new AssertionError(e.kind);
    }
  }

  /** Applies the metadata of every directory, now that nothing is created in them any more. */
  void finish() throws IOException {
    writing.drain();
    for (Map.Entry<String, TarEntry> d : directories.entrySet()) {
      TarEntry e = d.getValue();
      try {
        if (d.getKey().isEmpty()) {
          applyToDirectory(root, e);
        } else {
          List<byte[]> components = components(e.path, e);
          Fd directory = directory(components, components.size(), e);
          applyToDirectory(directory, e);
        }
      } catch (NativeException ex) {
        throw fail(e, ex);
      }
    }
    if (overlay != null) {
      overlay.restoreLowerTimes(directories.keySet());
    }
  }

  void closeDirectories() {
    openDirectories.values().forEach(Fd::close);
    openDirectories.clear();
  }

  // ---- kinds ----

  /** Creates the file here; its data and metadata go to the file writer, which then owns the descriptor. */
  private void createFile(Fd parent, byte[] name, TarEntry e, TarReader reader) throws IOException {
    Fd file = parent.open(name, O_WRONLY | O_CREAT | O_EXCL, 0600);
    try {
      if (metadataBytes(e) + (e.sparseMap == null ? 0 : 8L * e.sparseMap.length) > HEAVY_FILE) {
        writing.drain();
      }
      if (e.size > 0) {
        reader.readData((buffer, offset, length, fileOffset) ->
            writing.data(file, e, buffer, offset, length, fileOffset, reader.lease()));
      }
      int uid = checkedId(e.uid, e, "uid");
      int gid = checkedId(e.gid, e, "gid");
      if (newFileOwner == null) {
        Stat stat = file.stat();
        boolean setgidRoot = (root.stat().mode() & 02000) != 0;
        newFileOwner = setgidRoot ? new long[] {-1, -1} : new long[] {stat.uid(), stat.gid()};
      }
      // Parents have no setgid bit while entries are made (directory modes come last), so a new file belongs to
      // this process's ids: chown only where the archive wants other ones. A layer's parents are its lower
      // layers' directories, with their final modes: always chown there.
      boolean chown = overlay != null || uid != newFileOwner[0] || gid != newFileOwner[1];
      writing.finish(file, e,
          new FileWriting.Metadata(chown, uid, gid, e.mode, xattrs(e), e.accessed(), e.modified()));
    } catch (IOException | RuntimeException ex) {
      writing.abandon(file);
      throw ex;
    }
  }

  /** Counts a path this import made, kept until its end, against the memory for paths. */
  private void remember(Set<String> created, String key, TarEntry e) throws TarException {
    if (created.add(key)) {
      keep(key.length() + PATH_OVERHEAD, e);
    }
  }

  /** Keeps a directory's entry for its metadata at the end, the last one naming it winning. */
  private void keepDirectory(String key, TarEntry e) throws TarException {
    TarEntry replaced = directories.remove(key);
    if (replaced != null) {
      pathMemory -= retained(replaced);
    }
    directories.put(key, e);
    keep(retained(e), e);
  }

  void keep(long bytes, TarEntry e) throws TarException {
    pathMemory += bytes;
    if (pathMemory > options.limits.pathMemoryBytes()) {
      throw fail(e, "the paths the archive names take more than the " + (options.limits.pathMemoryBytes() >> 20)
          + " MiB of memory jimg keeps for them (after " + entries + " entries)");
    }
  }

  /** The heap a kept entry holds: its names, its xattrs and ACLs (two bytes a char, at worst), its fields. */
  private static long retained(TarEntry e) {
    long bytes = ENTRY_OVERHEAD + PATH_OVERHEAD + e.path.length + e.linkPath.length;
    for (Map.Entry<String, byte[]> x : e.xattrs.entrySet()) {
      bytes += PATH_OVERHEAD + 2L * x.getKey().length() + x.getValue().length;
    }
    return bytes + 2L * ((e.aclAccess == null ? 0 : e.aclAccess.length())
        + (e.aclDefault == null ? 0 : e.aclDefault.length()));
  }

  /** The bytes of an entry's xattrs and ACLs, which take room beside its inode. */
  private static long metadataBytes(TarEntry e) {
    long bytes = 0;
    for (Map.Entry<String, byte[]> x : e.xattrs.entrySet()) {
      bytes += x.getKey().length() + x.getValue().length;
    }
    return bytes + (e.aclAccess == null ? 0 : e.aclAccess.length())
        + (e.aclDefault == null ? 0 : e.aclDefault.length());
  }

  private void link(Fd parent, byte[] name, TarEntry e) throws IOException {
    List<byte[]> target = components(e.linkPath, e);
    String targetKey = key(target, target.size());
    // A layer's hard link may name a file of the layers below: any non-directory found in its tree, no symlink followed.
    Fd targetParent = target.isEmpty() ? null
        : overlay != null ? directoryIfExists(target, target.size() - 1, e)
        : createdNonDirectories.contains(targetKey) ? existingDirectory(target, target.size() - 1, e) : null;
    Stat targetStat = targetParent == null ? null : targetParent.statIfExists(target.get(target.size() - 1));
    if (targetStat == null || targetStat.isDirectory()) {
      throw fail(e, "its hard link target '" + TarEntry.show(e.linkPath)
          + "' is no file this archive created before it" + (overlay == null ? "" : " or its parent layers hold"));
    }
    targetParent.link(target.get(target.size() - 1), parent, name);
  }

  private void finishNonDirectory(Fd parent, byte[] name, TarEntry e, boolean hasMode) throws IOException {
    parent.chown(name, checkedId(e.uid, e, "uid"), checkedId(e.gid, e, "gid"));
    if (hasMode) {
      parent.chmod(name, e.mode);
    }
    setXattrs(parent, name, e);
    parent.setTimes(name, e.accessed(), e.modified());
  }

  private void applyToDirectory(Fd directory, TarEntry e) throws IOException {
    directory.chown(checkedId(e.uid, e, "uid"), checkedId(e.gid, e, "gid"));
    directory.chmod(e.mode);
    setXattrs(directory, null, e);
    directory.setTimes(e.accessed(), e.modified());
  }

  private void setXattrs(Fd parent, byte[] name, TarEntry e) throws IOException {
    for (FileWriting.Xattr x : xattrs(e)) {
      parent.setXattr(name, x.name(), x.value());
    }
  }

  /** The xattrs to set on an entry's file: its own, its ACLs, less those dropped unless asked for. */
  private List<FileWriting.Xattr> xattrs(TarEntry e) throws TarException {
    if (e.xattrs.isEmpty() && e.aclAccess == null && e.aclDefault == null) {
      return List.of();
    }
    Map<String, byte[]> xattrs = new LinkedHashMap<>(e.xattrs);
    addAcl(xattrs, "system.posix_acl_access", e.aclAccess, e);
    if (e.kind == Kind.DIRECTORY) {
      addAcl(xattrs, "system.posix_acl_default", e.aclDefault, e);
    }
    List<FileWriting.Xattr> result = new ArrayList<>(xattrs.size());
    for (Map.Entry<String, byte[]> x : xattrs.entrySet()) {
      String attribute = x.getKey();
      if (!options.keepTrustedXattrs && attribute.startsWith("trusted.")) {
        continue;
      }
      if (!options.keepSelinuxLabels && attribute.equals("security.selinux")) {
        selinuxLabelsDropped++;
        continue;
      }
      byte[] bytes = attribute.getBytes(StandardCharsets.ISO_8859_1);
      if (bytes.length == 0 || bytes.length > FileNames.NAME_MAX || indexOf(bytes, (byte) 0) >= 0) {
        throw fail(e, "it has an xattr whose name is empty, longer than 255 bytes or holds a NUL byte");
      }
      result.add(new FileWriting.Xattr(bytes, x.getValue()));
    }
    return result;
  }

  private void addAcl(Map<String, byte[]> xattrs, String attribute, String text, TarEntry e) throws TarException {
    if (text == null || text.isBlank() || xattrs.containsKey(attribute)) {
      return;
    }
    try {
      xattrs.put(attribute, PosixAcl.fromText(text));
    } catch (IllegalArgumentException ex) {
      throw fail(e, ex.getMessage());
    }
  }

  // ---- paths ----

  /** How a walk treats a missing directory. */
  private enum Missing { CREATE, FAIL, NULL }

  /** The directory that holds the first {@code depth} components, created (0755) where missing. */
  private Fd directory(List<byte[]> components, int depth, TarEntry e) throws IOException {
    return walk(components, depth, e, Missing.CREATE);
  }

  private Fd existingDirectory(List<byte[]> components, int depth, TarEntry e) throws IOException {
    return walk(components, depth, e, Missing.FAIL);
  }

  /** The directory of the first {@code depth} components, null where it is missing or no directory; symlinks are refused. */
  Fd directoryIfExists(List<byte[]> components, int depth, TarEntry e) throws IOException {
    return walk(components, depth, e, Missing.NULL);
  }

  private Fd walk(List<byte[]> components, int depth, TarEntry e, Missing missing) throws IOException {
    if (depth == 0) {
      if (overlay != null) {
        overlay.keepLowerTimes("", root, e);
      }
      return root;
    }
    String key = key(components, depth);
    Fd cached = openDirectories.get(key);
    if (cached != null) {
      return cached;
    }
    Fd parent = walk(components, depth - 1, e, missing);
    if (parent == null) {
      return null;
    }
    byte[] name = components.get(depth - 1);
    Stat stat = parent.statIfExists(name);
    if (stat == null && missing == Missing.CREATE) {
      budget.chargeInode(0);
      parent.mkdir(name, 0755);
      remember(createdDirectories, key, e);
    } else if (stat == null && missing == Missing.NULL) {
      return null;
    } else if (stat == null) {
      throw fail(e, "'" + showPath(components, depth) + "' does not exist");
    } else if (stat.isSymlink()) {
      throw fail(e, "its parent '" + showPath(components, depth) + "' is a symlink");
    } else if (!stat.isDirectory() && missing == Missing.NULL) {
      return null; // a file holds nothing to look for below it
    } else if (!stat.isDirectory()) {
      throw fail(e, "its parent '" + showPath(components, depth) + "' is no directory");
    }
    Fd opened;
    try {
      opened = parent.open(name, O_PATH | O_DIRECTORY | O_NOFOLLOW);
    } catch (NativeException ex) {
      if (ex.is(Linux.ELOOP) || ex.is(Linux.ENOTDIR)) {
        throw fail(e, "its parent '" + showPath(components, depth) + "' changed into a symlink or file");
      }
      throw ex;
    }
    if (overlay != null && stat != null) {
      overlay.keepLowerTimes(key, opened, e);
      if (missing == Missing.CREATE) {
        // A lower layer's directory this layer puts entries in: an opaque marker keeps it, with this layer's entries.
        remember(createdDirectories, key, e);
      }
    }
    openDirectories.put(key, opened);
    return opened;
  }

  /** Whether this import made (or, for a layer, put entries in) what {@code key} names. */
  boolean madeHere(String key) {
    return createdNonDirectories.contains(key) || createdDirectories.contains(key);
  }

  /** Whether {@code key} names a directory this layer made or put entries in. */
  boolean directoryMadeHere(String key) {
    return createdDirectories.contains(key);
  }

  /** Drops the open directories at and below {@code key}, which was removed. */
  void forget(String key) {
    String below = key + "/";
    openDirectories.entrySet().removeIf(d -> {
      boolean gone = d.getKey().equals(key) || d.getKey().startsWith(below);
      if (gone) {
        d.getValue().close();
      }
      return gone;
    });
  }

  // ---- metadata ----

  private static int checkedId(long id, TarEntry e, String what) throws TarException {
    if (id < 0 || id >= 0xffffffffL) {
      throw fail(e, "its " + what + " " + id + " is out of range");
    }
    return (int) id;
  }

  static TarException fail(TarEntry e, String reason) {
    return new TarException("entry '" + e.displayName() + "' (header at byte " + e.headerOffset + "): " + reason);
  }

  static TarException fail(TarEntry e, NativeException ex) {
    return new TarException("entry '" + e.displayName() + "' (header at byte " + e.headerOffset + "): "
        + ex.getMessage(), ex);
  }
}
