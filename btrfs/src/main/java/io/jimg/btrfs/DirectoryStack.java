package io.jimg.btrfs;

import java.util.ArrayList;
import java.util.List;

/**
 * The directories of a depth-first walk, root first, with the root and at most {@code openLevels} of the deepest
 * ones holding descriptors: a tree of any depth costs neither stack frames nor a descriptor per level. A level
 * that fell out of the window is reopened through {@code ..} of the level below it as the walk climbs back, one
 * open per level, so a deep tree costs time in proportion to its depth.
 */
final class DirectoryStack<L extends DirectoryStack.Level<L>> {
  /** One directory of the walk. */
  abstract static class Level<L> {
    static final byte[] DOT_DOT = {'.', '.'};

    final byte[] name;

    Level(byte[] name) {
      this.name = name;
    }

    abstract boolean isOpen();

    /** Closes this level's descriptors for now, keeping what {@link #reopenFrom} needs to check its identity. */
    abstract void suspend() throws NativeException;

    /**
     * Opens this level's descriptors again through {@code ..} of {@code child}, the open level just below,
     * failing with ESTALE where that is no longer the same directory (the tree was changed during the walk).
     */
    abstract void reopenFrom(L child) throws NativeException;

    /** Closes this level's descriptors for good. */
    abstract void close();
  }

  private final List<L> levels = new ArrayList<>();
  private final int openLevels;

  DirectoryStack(int openLevels) {
    if (openLevels < 1) {
      throw new IllegalArgumentException("at least one level must stay open, not " + openLevels);
    }
    this.openLevels = openLevels;
  }

  boolean isEmpty() {
    return levels.isEmpty();
  }

  /** Pushes an open level, suspending the one that falls out of the open window. */
  void push(L level) throws NativeException {
    levels.add(level);
    int index = levels.size() - 1 - openLevels;
    if (index >= 1 && levels.get(index).isOpen()) {
      levels.get(index).suspend();
    }
  }

  /** The deepest level, always open. */
  L top() {
    return levels.get(levels.size() - 1);
  }

  /** Removes the deepest level and closes it, reopening the level above if the window had let it go. */
  L pop() throws NativeException {
    L level = levels.remove(levels.size() - 1);
    try {
      if (!levels.isEmpty() && !top().isOpen()) {
        top().reopenFrom(level);
      }
    } finally {
      level.close();
    }
    return level;
  }

  /** Closes every level, for when the walk is abandoned. */
  void closeAll() {
    for (L level : levels) {
      level.close();
    }
    levels.clear();
  }
}
