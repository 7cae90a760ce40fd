package io.jimg.btrfs;

/** Whether a new snapshot, clone or image ends read-only. */
public enum ReadOnly {
  YES,
  NO;

  public static ReadOnly of(boolean readOnly) {
    return readOnly ? YES : NO;
  }

  public boolean isReadOnly() {
    return this == YES;
  }
}
