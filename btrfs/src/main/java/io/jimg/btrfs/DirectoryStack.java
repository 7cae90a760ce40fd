package io.jimg.btrfs;

import java.util.ArrayList;
import java.util.List;

/**
 * The directories of a depth-first walk, root first, with at most {@code openLevels} of the deepest ones holding
 * descriptors: a tree of any depth costs neither stack frames nor a descriptor per level. A level whose
 * descriptors were closed is reopened by name from its nearest open ancestor when the walk climbs back to it.
 * The root level stays open throughout.
 */
final class DirectoryStack<L extends DirectoryStack.Level<L>> {
  /** One directory of the walk; {@link #reopen} must check that the name still leads to the same directory. */
  abstract static class Level<L> {
    final byte[] name;

    Level(byte[] name) {
      this.name = name;
    }

    abstract boolean isOpen();

    /** Opens this level's descriptors again, by name from its open parent level. */
    abstract void reopen(L parent) throws NativeException;

    /** Closes this level's descriptors; it may be reopened. */
    abstract void close();
  }

  private final List<L> levels = new ArrayList<>();
  private final int openLevels;

  DirectoryStack(int openLevels) {
    if (openLevels < 2) {
      throw new IllegalArgumentException("at least two levels must stay open, not " + openLevels);
    }
    this.openLevels = openLevels;
  }

  boolean isEmpty() {
    return levels.isEmpty();
  }

  /** Pushes an open level, closing the one that falls out of the open window. */
  void push(L level) {
    levels.add(level);
    closeBeyondWindow(levels.size() - 1);
  }

  /** The deepest level, open. */
  L top() throws NativeException {
    int top = levels.size() - 1;
    int open = top;
    while (!levels.get(open).isOpen()) {
      open--;
    }
    for (int i = open + 1; i <= top; i++) {
      levels.get(i).reopen(levels.get(i - 1));
      closeBeyondWindow(i);
    }
    return levels.get(top);
  }

  /** Removes the deepest level and closes it. */
  L pop() {
    L level = levels.remove(levels.size() - 1);
    level.close();
    return level;
  }

  /** Closes every level, for when the walk is abandoned. */
  void closeAll() {
    for (L level : levels) {
      level.close();
    }
    levels.clear();
  }

  private void closeBeyondWindow(int deepest) {
    int index = deepest - openLevels;
    if (index >= 1) {
      levels.get(index).close();
    }
  }
}
