package io.jimg.images;

/**
 * What a lease on an image is for: reading shares the image with other readers, writing excludes everyone. The
 * store takes systemd-nspawn's shared or exclusive locks for them, so nspawn and machinectl see the same.
 */
public enum Access {
  READ,
  WRITE
}
