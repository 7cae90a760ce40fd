package io.jimg.btrfs;

/** One name in a directory, as getdents64 reports it; {@code type} is the DT_* value (0 when unknown). */
public record DirEntry(byte[] name, long inode, int type) {
  public static final int DT_UNKNOWN = 0;
  public static final int DT_DIR = 4;
  public static final int DT_REG = 8;
  public static final int DT_LNK = 10;

  public String displayName() {
    return FileNames.show(name);
  }

  public boolean isDirectory() {
    return type == DT_DIR;
  }
}
