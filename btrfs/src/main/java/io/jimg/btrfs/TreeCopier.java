package io.jimg.btrfs;

import static io.jimg.btrfs.Linux.O_DIRECTORY;
import static io.jimg.btrfs.Linux.O_CREAT;
import static io.jimg.btrfs.Linux.O_EXCL;
import static io.jimg.btrfs.Linux.O_NOCTTY;
import static io.jimg.btrfs.Linux.O_NONBLOCK;
import static io.jimg.btrfs.Linux.O_PATH;
import static io.jimg.btrfs.Linux.O_RDONLY;
import static io.jimg.btrfs.Linux.O_WRONLY;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One run of {@link TreeCopy}: walks the source depth-first with an explicit stack, creating each entry, then
 * setting its owner, mode, xattrs and times in that order (chown clears setuid bits and security.capability);
 * a directory's own metadata is set when its contents are done, so that neither their creation changes its
 * times nor its default ACL leaks into them.
 */
final class TreeCopier {
  /** O_NONBLOCK: should a fifo take a file's place between statx and open, opening it must not hang. */
  private static final int SOURCE_FILE = O_RDONLY | O_NONBLOCK | O_NOCTTY;
  private static final int TARGET_FILE = O_WRONLY | O_CREAT | O_EXCL | O_NOCTTY;
  private static final byte[] DOT = {'.'};
  private static final byte[] ACL_ACCESS = FileNames.bytes("system.posix_acl_access");
  private static final byte[] ACL_DEFAULT = FileNames.bytes("system.posix_acl_default");
  /**
   * How many first copies of hard-linked inodes may stay open once their directory is closed, so that a further
   * name links in one call; beyond that a further name walks down to the first copy's directory by name.
   */
  private static final int HELD_COPIES = 1024;

  private final CopyProgress progress;
  private final DirectoryStack<Level> stack;
  private final DataCopy data = new DataCopy();
  private final Map<Inode, Link> links = new HashMap<>();
  /** First copies of hard-linked inodes held open (O_PATH) after their directory closed; bounded. */
  private int heldCopies;
  /** The process umask, which creation applies: where it cannot spoil a mode, the chmod after creation is saved. */
  private final int umask;
  /** The owner new entries get, learnt from the first file made; where an entry wants it, no chown is needed. */
  private int creatorUid;
  private int creatorGid;
  private boolean creatorKnown;
  private long rootMount;
  private long rootDevice;
  private Stat target;
  private long bytes;
  private long entries;

  TreeCopier(CopyProgress progress, int openLevels, int umask) {
    this.progress = progress;
    this.stack = new DirectoryStack<>(openLevels);
    this.umask = umask;
  }

  /** Whether an entry made with mode {@code stat.permissions() & 0777} still needs a chmod. */
  private boolean needsChmod(Stat stat) {
    int permissions = stat.permissions();
    return umask < 0 || (permissions & 07000) != 0 || (permissions & umask) != 0;
  }

  /** Whether an entry just made is not already owned as {@code stat} says. */
  private boolean needsChown(Stat stat) {
    return !creatorKnown || stat.uid() != creatorUid || stat.gid() != creatorGid;
  }

  private void learnCreator(Fd created) throws NativeException {
    if (!creatorKnown) {
      // Every directory entries are made in lacks a setgid bit until its contents are done, so this holds for all.
      Stat stat = created.stat();
      creatorUid = stat.uid();
      creatorGid = stat.gid();
      creatorKnown = true;
    }
  }

  /** Copies {@code source}, whose statx is {@code root}, into the empty directory {@code name} just made. */
  void copy(Fd source, Stat root, Fd targetParent, byte[] name) throws NativeException {
    rootMount = root.mountId();
    rootDevice = root.device();
    try {
      Level top = new Level(null, name, root);
      top.source = Untouched.directory(source, DOT);
      top.target = targetParent.openDirectory(name);
      prepareTop(top.target);
      target = top.target.stat();
      top.entries = top.source.list();
      stack.push(top);
      entries++;
      walk();
    } finally {
      stack.closeAll();
      for (Link link : links.values()) {
        release(link);
      }
    }
  }

  /**
   * The new top directory may have inherited a setgid bit and ACLs from the target's parent; everything copied
   * into it would inherit them in turn, so they go before anything is created in it.
   */
  private static void prepareTop(Fd top) throws NativeException {
    top.chmod(0700);
    for (byte[] attribute : top.xattrNames()) {
      if (Arrays.equals(attribute, ACL_DEFAULT) || Arrays.equals(attribute, ACL_ACCESS)) {
        top.removeXattr(null, attribute);
      }
    }
  }

  private void walk() throws NativeException {
    while (!stack.isEmpty()) {
      Level level = stack.top();
      if (level.next < level.entries.size()) {
        copyEntry(level, level.entries.get(level.next++).name());
      } else {
        finishDirectory(level);
        holdCopies(level);
        stack.pop();
        level.entries = null;
      }
    }
  }

  private void copyEntry(Level level, byte[] name) throws NativeException {
    Stat stat = level.source.stat(name);
    boolean mounted = !sameMount(stat);
    if (stat.isDirectory()) {
      if (mounted) {
        copyMountPoint(level, name, stat);
      } else {
        enterDirectory(level, name, stat);
      }
      counted();
      return;
    }
    // Something mounted over a name is never joined to a hard link group: its inode belongs to another mount.
    boolean linked = !mounted && stat.nlink() > 1;
    if (linked && linkAgain(level, name, stat)) {
      counted();
      return;
    }
    switch (stat.type()) {
      case Linux.S_IFREG:
        copyFile(level, name, stat, mounted);
        break;
      case Linux.S_IFLNK:
        copySymlink(level, name, stat);
        break;
      case Linux.S_IFCHR:
      case Linux.S_IFBLK:
      case Linux.S_IFIFO:
      case Linux.S_IFSOCK:
        copyNode(level, name, stat);
        break;
      default:
        throw new NativeException("statx (unknown file type " + Integer.toOctalString(stat.type()) + ")",
            level.source.pathOf(name), Linux.EINVAL);
    }
    if (linked) {
      Link link = new Link(level, name, stat.nlink() - 1);
      links.put(new Inode(stat.device(), stat.inode()), link);
      level.firstCopies.add(link);
    }
    counted();
  }

  private void enterDirectory(Level level, byte[] name, Stat stat) throws NativeException {
    if (stat.inode() == target.inode() && stat.device() == target.device()) {
      throw new NativeException("copy (into itself)", level.source.pathOf(name), Linux.EINVAL);
    }
    level.target.mkdir(name, 0700);
    Level child = new Level(level, name, stat);
    try {
      child.source = Untouched.directory(level.source, name);
      child.target = level.target.openDirectory(name);
      child.entries = child.source.list();
    } catch (NativeException | RuntimeException e) {
      child.close();
      throw e;
    }
    stack.push(child);
  }

  /** The contents belong to another filesystem: an empty directory stands in, with what statx shows of it. */
  private void copyMountPoint(Level level, byte[] name, Stat stat) throws NativeException {
    level.target.mkdir(name, 0700);
    level.target.chown(name, stat.uid(), stat.gid());
    level.target.chmod(name, stat.permissions());
    level.target.setTimes(name, stat.accessed(), stat.modified());
  }

  private void finishDirectory(Level level) throws NativeException {
    Stat stat = level.stat;
    Fd directory = level.target;
    directory.chown(stat.uid(), stat.gid());
    directory.chmod(stat.permissions());
    for (byte[] attribute : level.source.xattrNames()) {
      byte[] value = level.source.getXattr(attribute);
      if (value != null) {
        directory.setXattr(attribute, value);
      }
    }
    directory.setTimes(stat.accessed(), stat.modified());
  }

  private void copyFile(Level level, byte[] name, Stat stat, boolean mounted) throws NativeException {
    try (Fd out = level.target.open(name, TARGET_FILE, stat.permissions() & 0777)) {
      learnCreator(out);
      if (mounted) {
        // A file mounted over a file: its contents belong to another filesystem; an empty file stands in.
        setOwnerAndMode(out, stat);
      } else {
        try (Fd in = Untouched.open(level.source, name, SOURCE_FILE)) {
          data.copy(in, out, stat, this::copiedBytes);
          setOwnerAndMode(out, stat);
          for (byte[] attribute : in.xattrNames()) {
            byte[] value = in.getXattr(attribute);
            if (value != null) {
              out.setXattr(attribute, value);
            }
          }
        }
      }
      out.setTimes(stat.accessed(), stat.modified());
    }
  }

  private void setOwnerAndMode(Fd out, Stat stat) throws NativeException {
    if (needsChown(stat)) {
      out.chown(stat.uid(), stat.gid());
    }
    if (needsChmod(stat)) {
      out.chmod(stat.permissions());
    }
  }

  private void copySymlink(Level level, byte[] name, Stat stat) throws NativeException {
    level.target.symlink(level.source.readlink(name), name);
    if (needsChown(stat)) {
      level.target.chown(name, stat.uid(), stat.gid());
    }
    copyXattrsByName(level, name);
    level.target.setTimes(name, stat.accessed(), stat.modified());
  }

  /** Devices, fifos and sockets: mknod makes them all; a socket made so has no listener, as in any copy. */
  private void copyNode(Level level, byte[] name, Stat stat) throws NativeException {
    level.target.mknod(name, stat.type() | (stat.permissions() & 0777), Linux.isDevice(stat.mode()) ? stat.rdev() : 0);
    if (needsChown(stat)) {
      level.target.chown(name, stat.uid(), stat.gid());
    }
    if (needsChmod(stat)) {
      level.target.chmod(name, stat.permissions());
    }
    copyXattrsByName(level, name);
    level.target.setTimes(name, stat.accessed(), stat.modified());
  }

  /** For what cannot be opened without effect (symlinks, devices, fifos): by name, through the directory. */
  private static void copyXattrsByName(Level level, byte[] name) throws NativeException {
    for (byte[] attribute : level.source.xattrNames(name)) {
      byte[] value = level.source.getXattr(name, attribute);
      if (value != null) {
        level.target.setXattr(name, attribute, value);
      }
    }
  }

  /** A further name of an inode already copied becomes a hard link to the copy; false for a first name. */
  private boolean linkAgain(Level level, byte[] name, Stat stat) throws NativeException {
    Inode inode = new Inode(stat.device(), stat.inode());
    Link link = links.get(inode);
    if (link == null) {
      return false;
    }
    if (link.directory.isOpen()) {
      link.directory.target.link(link.name, level.target, name);
    } else if (!linkHeldCopy(link, level.target, name)) {
      try (Fd directory = openTarget(link.directory)) {
        directory.link(link.name, level.target, name);
      }
    }
    if (--link.remaining == 0) {
      links.remove(inode); // every name is copied: forget it
      release(link);
    }
    return true;
  }

  /** Links the held first copy; false where none is held or the kernel wants CAP_DAC_READ_SEARCH for it. */
  private boolean linkHeldCopy(Link link, Fd directory, byte[] name) throws NativeException {
    if (link.copy == null) {
      return false;
    }
    try {
      link.copy.linkInto(directory, name);
      return true;
    } catch (NativeException e) {
      if (!e.is(Linux.ENOENT) && !e.is(Linux.EPERM)) {
        throw e;
      }
      release(link);
      return false;
    }
  }

  /** Before a level's copy is closed, holds its first copies of inodes whose further names are still to come. */
  private void holdCopies(Level level) throws NativeException {
    for (Link link : level.firstCopies) {
      if (link.remaining > 0 && link.copy == null && heldCopies < HELD_COPIES) {
        link.copy = level.target.open(link.name, O_PATH);
        heldCopies++;
      }
    }
    level.firstCopies.clear();
  }

  private void release(Link link) {
    if (link.copy != null) {
      link.copy.close();
      link.copy = null;
      heldCopies--;
    }
  }

  /** An O_PATH descriptor of a copied directory whose level is closed, walked to from its nearest open ancestor. */
  private static Fd openTarget(Level level) throws NativeException {
    Deque<byte[]> names = new ArrayDeque<>();
    Level ancestor = level;
    while (!ancestor.isOpen()) {
      names.push(ancestor.name);
      ancestor = ancestor.parent;
    }
    Fd current = null;
    try {
      Fd from = ancestor.target;
      while (!names.isEmpty()) {
        Fd next = from.open(names.pop(), O_PATH | O_DIRECTORY);
        if (current != null) {
          current.close();
        }
        current = next;
        from = next;
      }
      return current;
    } catch (NativeException | RuntimeException e) {
      if (current != null) {
        current.close();
      }
      throw e;
    }
  }

  private boolean sameMount(Stat stat) {
    // statx reports mount ids from Linux 5.8; before, a device change is the best sign there is.
    return rootMount >= 0 ? stat.mountId() == rootMount : stat.device() == rootDevice;
  }

  private void copiedBytes(long count) {
    bytes += count;
    progress.copied(bytes, entries);
  }

  private void counted() {
    entries++;
    progress.copied(bytes, entries);
  }

  private record Inode(long device, long number) {}

  /** Where the first name of a multiply linked inode was copied, and how many names are still to come. */
  private static final class Link {
    final Level directory;
    final byte[] name;
    int remaining;
    /** An O_PATH descriptor of the first copy, once its directory is closed (see {@link #holdCopies}). */
    Fd copy;

    Link(Level directory, byte[] name, int remaining) {
      this.directory = directory;
      this.name = name;
      this.remaining = remaining;
    }
  }

  /** A directory being copied: the source and its copy, and where the listing has got to. */
  final class Level extends DirectoryStack.Level<Level> {
    final Level parent;
    final Stat stat;
    Fd source;
    Fd target;
    List<DirEntry> entries;
    int next;
    /** The first names of hard-linked inodes copied into this level, while it is open. */
    final List<Link> firstCopies = new ArrayList<>();
    /** What a suspended level needs to be reopened and checked. */
    private String sourcePath;
    private String targetPath;
    private long targetDevice;
    private long targetInode;

    Level(Level parent, byte[] name, Stat stat) {
      super(name);
      this.parent = parent;
      this.stat = stat;
    }

    @Override
    boolean isOpen() {
      return source != null;
    }

    @Override
    void suspend() throws NativeException {
      holdCopies(this);
      Stat copied = target.stat();
      targetDevice = copied.device();
      targetInode = copied.inode();
      sourcePath = source.path();
      targetPath = target.path();
      close();
    }

    @Override
    void reopenFrom(Level child) throws NativeException {
      try {
        source = reopen(Untouched.directory(child.source, DOT_DOT), sourcePath, stat.device(), stat.inode());
        target = reopen(child.target.openDirectory(DOT_DOT), targetPath, targetDevice, targetInode);
      } catch (NativeException | RuntimeException e) {
        close();
        throw e;
      }
    }

    private static Fd reopen(Fd opened, String path, long device, long inode) throws NativeException {
      Fd named = Fd.adopt(opened.fd(), path); // the same descriptor, named as when it was first opened
      try {
        Stat now = named.stat();
        if (now.inode() != inode || now.device() != device) {
          throw new NativeException("openat .. (directory moved during copy)", path, Linux.ESTALE);
        }
        return named;
      } catch (NativeException | RuntimeException e) {
        named.close();
        throw e;
      }
    }

    @Override
    void close() {
      if (source != null) {
        source.close();
        source = null;
      }
      if (target != null) {
        target.close();
        target = null;
      }
    }
  }
}
