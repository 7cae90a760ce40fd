package io.jimg.transfer.http;

/**
 * What a download came to: {@code notModified} where the server answered 304 to the ETags offered (nothing was
 * written), else the whole file's size and SHA-256, hashed from the file's first byte even where it resumed.
 * {@code etag} is a well-formed one (see {@link EntityTags}), strong unless the download was not modified, or null.
 */
public record Download(boolean notModified, String etag, long size, byte[] sha256) {}
