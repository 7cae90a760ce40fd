package io.jimg.transfer;

import java.nio.ByteBuffer;
import java.util.Arrays;

/** qcow2 images made by hand to expand far beyond their own size. */
final class HostileQcow2 {
  private static final int CLUSTER_BITS = 16;
  private static final int CLUSTER = 1 << CLUSTER_BITS;
  private static final long COPIED = 1L << 63;

  private HostileQcow2() {}

  /**
   * A version 2 image of {@code virtualSize} bytes whose every L2 entry points at the same data cluster of
   * {@code 'A'}: header, L1, the L2 tables and one cluster, 320 KiB for 1 GiB.
   */
  static byte[] everyClusterShared(long virtualSize) {
    long perL2 = (long) CLUSTER * (CLUSTER / 8);
    int l1Size = (int) ((virtualSize + perL2 - 1) / perL2);
    int clusters = 2 + l1Size + 1;
    ByteBuffer image = ByteBuffer.allocate(clusters * CLUSTER);
    header(image, virtualSize, l1Size);
    long data = (long) (clusters - 1) * CLUSTER;
    for (int i = 0; i < l1Size; i++) {
      long l2 = (long) (2 + i) * CLUSTER;
      image.putLong(CLUSTER + i * 8, l2 | COPIED);
      for (int j = 0; j < CLUSTER / 8; j++) {
        image.putLong((int) l2 + j * 8, data | COPIED);
      }
    }
    Arrays.fill(image.array(), (int) data, (int) data + CLUSTER, (byte) 'A');
    return image.array();
  }

  /** Just the header cluster of an image of {@code virtualSize} bytes, for a stream that goes on with junk. */
  static byte[] headerOnly(long virtualSize) {
    ByteBuffer image = ByteBuffer.allocate(CLUSTER);
    header(image, virtualSize, 1);
    return image.array();
  }

  private static void header(ByteBuffer image, long virtualSize, int l1Size) {
    image.putInt(0, 0x514649fb);
    image.putInt(4, 2);
    image.putInt(20, CLUSTER_BITS);
    image.putLong(24, virtualSize);
    image.putInt(36, l1Size);
    image.putLong(40, CLUSTER);
  }
}
