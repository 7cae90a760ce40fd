package io.jimg.images;

import io.jimg.btrfs.Fd;

/**
 * What a new tree image is made from where it is a snapshot of a layer rather than filled: {@link Operations}
 * snapshots {@link #source} under the new image's temporary instead of making an empty subvolume to fill.
 */
final class SnapshotFiller implements TreeFiller {
  final Fd source;

  SnapshotFiller(Fd source) {
    this.source = source;
  }

  @Override
  public void fill(NewImage root) {
    throw new IllegalStateException("a snapshot is made, never filled");
  }
}
