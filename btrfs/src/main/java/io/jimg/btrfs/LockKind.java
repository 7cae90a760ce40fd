package io.jimg.btrfs;

/** The two kinds of OFD lock; readers share, writers exclude everyone. */
public enum LockKind {
  SHARED(0),
  EXCLUSIVE(1);

  final short flockType;

  LockKind(int flockType) {
    this.flockType = (short) flockType;
  }

  static final short UNLOCK = 2;
}
