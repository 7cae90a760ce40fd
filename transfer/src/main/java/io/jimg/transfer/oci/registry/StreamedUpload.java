package io.jimg.transfer.oci.registry;

import io.jimg.images.JimgException;
import okhttp3.HttpUrl;

/**
 * A blob sent before its digest was known ({@link RegistryClient#streamBlob}), waiting for the PUT that names the
 * digest; the registry checks it against what it received and keeps the blob only where they match.
 */
public final class StreamedUpload {
  private final BlobUpload uploads;
  private final String repository;
  private final HttpUrl location;

  StreamedUpload(BlobUpload uploads, String repository, HttpUrl location) {
    this.uploads = uploads;
    this.repository = repository;
    this.location = location;
  }

  /** Completes the upload as {@code blob}; a registry that received other bytes refuses it. */
  public void finish(Descriptor blob) throws JimgException {
    uploads.finishStream(repository, location, blob);
  }
}
