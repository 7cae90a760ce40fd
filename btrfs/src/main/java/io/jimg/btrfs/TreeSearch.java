package io.jimg.btrfs;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * BTRFS_IOC_TREE_SEARCH over one tree between two keys. The kernel compares whole (objectid, type, offset)
 * tuples, so items of other types come back from inside the range: callers filter by type.
 */
final class TreeSearch {
  private TreeSearch() {}

  static final long ROOT_TREE = 1;
  static final long QUOTA_TREE = 8;

  static final int ROOT_ITEM_KEY = 132;
  static final int ROOT_REF_KEY = 156;
  static final int QGROUP_STATUS_KEY = 240;
  static final int QGROUP_INFO_KEY = 242;
  static final int QGROUP_LIMIT_KEY = 244;
  static final int QGROUP_RELATION_KEY = 246;

  private static final long TREE_SEARCH = 0xD0009411L;
  private static final int ITEMS_PER_CALL = 4096;

  /** One item found: its key and a copy of its data. */
  record Item(long objectId, int type, long offset, byte[] data) {
    ByteBuffer le() {
      return Layouts.le(data);
    }
  }

  /** Every item of {@code type} with objectid and offset in the given (inclusive, unsigned) ranges. */
  static List<Item> search(Fd fd, long tree, int type, long minObjectId, long maxObjectId, long minOffset,
      long maxOffset) throws NativeException {
    List<Item> items = new ArrayList<>();
    byte[] args = new byte[Layouts.Search.SIZE];
    ByteBuffer b = Layouts.le(args);
    long objectId = minObjectId;
    int currentType = type;
    long offset = minOffset;
    while (true) {
      java.util.Arrays.fill(args, (byte) 0);
      b.putLong(Layouts.Search.TREE_ID, tree);
      b.putLong(Layouts.Search.MIN_OBJECTID, objectId);
      b.putLong(Layouts.Search.MAX_OBJECTID, maxObjectId);
      b.putLong(Layouts.Search.MIN_OFFSET, offset);
      b.putLong(Layouts.Search.MAX_OFFSET, maxOffset);
      b.putLong(Layouts.Search.MIN_TRANSID, 0);
      b.putLong(Layouts.Search.MAX_TRANSID, -1L);
      b.putInt(Layouts.Search.MIN_TYPE, currentType);
      b.putInt(Layouts.Search.MAX_TYPE, type);
      b.putInt(Layouts.Search.NR_ITEMS, ITEMS_PER_CALL);
      fd.ioctl(TREE_SEARCH, args, "BTRFS_IOC_TREE_SEARCH");
      int found = b.getInt(Layouts.Search.NR_ITEMS);
      if (found == 0) {
        return items;
      }
      int position = Layouts.Search.BUFFER;
      long lastObjectId = 0;
      int lastType = 0;
      long lastOffset = 0;
      for (int i = 0; i < found; i++) {
        lastObjectId = b.getLong(position + Layouts.Search.HEADER_OBJECTID);
        lastOffset = b.getLong(position + Layouts.Search.HEADER_OFFSET);
        lastType = b.getInt(position + Layouts.Search.HEADER_TYPE);
        int length = b.getInt(position + Layouts.Search.HEADER_LEN);
        int dataStart = position + Layouts.Search.HEADER_SIZE;
        if (lastType == type
            && Long.compareUnsigned(lastOffset, minOffset) >= 0
            && Long.compareUnsigned(lastOffset, maxOffset) <= 0) {
          byte[] data = new byte[length];
          System.arraycopy(args, dataStart, data, 0, length);
          items.add(new Item(lastObjectId, lastType, lastOffset, data));
        }
        position = dataStart + length;
      }
      // Continue just after the last key returned, incrementing the (objectid, type, offset) tuple.
      objectId = lastObjectId;
      currentType = lastType;
      offset = lastOffset + 1;
      if (offset == 0) {
        currentType++;
        if (currentType > 255) {
          currentType = 0;
          objectId++;
          if (objectId == 0) {
            return items;
          }
        }
      }
      if (Long.compareUnsigned(objectId, maxObjectId) > 0) {
        return items;
      }
    }
  }
}
