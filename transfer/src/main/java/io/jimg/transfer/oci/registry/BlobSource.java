package io.jimg.transfer.oci.registry;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The bytes of a blob to upload, readable from any offset: a failed chunked upload resumes where the registry
 * says it stopped, and a request answered with a 401 is sent again from its start.
 */
@FunctionalInterface
public interface BlobSource {
  /** A stream of the blob's bytes from {@code offset}; the caller closes it. */
  InputStream openAt(long offset) throws IOException;

  static BlobSource of(byte[] bytes) {
    return offset -> new ByteArrayInputStream(bytes, (int) Math.min(offset, bytes.length),
        bytes.length - (int) Math.min(offset, bytes.length));
  }
}
