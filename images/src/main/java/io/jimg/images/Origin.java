package io.jimg.images;

import java.time.Instant;
import java.util.List;

/**
 * Where an image came from, as jimg recorded it in the companion file {@code NAME.origin} beside the image when it
 * made it. {@code kind} is the transfer that made the bytes ({@code pull-tar}, {@code pull-raw}, {@code pull-oci},
 * {@code import-tar}, {@code import-raw}, {@code import-fs}; an OCI pull's {@code sha256} is its manifest's); {@code source} what it read (a URL, an absolute file path, {@code -} for
 * a stream such as standard input, a directory); {@code sha256} the digest of what was read, where known (a
 * download, a stream); {@code sourceSize} and {@code sourceModified} the size and modification time of an imported
 * file, which stand in for its digest (hashing a file costs an import a pass of its own); {@code verified} how a
 * pull proved it ({@code signature}, {@code checksum}, {@code digest}, {@code no}) and {@code signedBy} the
 * fingerprints of the keys that signed it; {@code time} when the store wrote the record. A clone keeps its
 * source's record and names it in {@code clonedFrom} (a provisioned image names its template in
 * {@code provisionedFrom}), with its own time. Any of them may be null, {@code signedBy} empty.
 */
public record Origin(String kind, String source, String sha256, String verified, List<String> signedBy,
    Instant time, String clonedFrom, String provisionedFrom, Long sourceSize, Instant sourceModified) {
  public Origin {
    signedBy = signedBy == null ? List.of() : List.copyOf(signedBy);
  }

  /** The record of an image a transfer of {@code kind} made from {@code source}; the store sets the time. */
  public static Origin of(String kind, String source) {
    return new Origin(kind, source, null, null, List.of(), null, null, null, null, null);
  }

  /** This record with the digest of what was read. */
  public Origin withSha256(String digest) {
    return new Origin(kind, source, digest, verified, signedBy, time, clonedFrom, provisionedFrom, sourceSize,
        sourceModified);
  }

  /** This record with the size and modification time of the file read. */
  public Origin withFile(long size, Instant modified) {
    return new Origin(kind, source, sha256, verified, signedBy, time, clonedFrom, provisionedFrom, size, modified);
  }

  /** This record with how the bytes were proven, and by whose keys. */
  public Origin withVerification(String how, List<String> signers) {
    return new Origin(kind, source, sha256, how, signers, time, clonedFrom, provisionedFrom, sourceSize,
        sourceModified);
  }

  /** This record as written at {@code when}; the store stamps what it writes with its clock. */
  public Origin at(Instant when) {
    return new Origin(kind, source, sha256, verified, signedBy, when, clonedFrom, provisionedFrom, sourceSize,
        sourceModified);
  }

  /**
   * The record of a clone of image {@code source} whose own record is {@code sourceOrigin} (null where it has
   * none): where the bytes came from stays, the clone names its source.
   */
  static Origin cloneOf(Origin sourceOrigin, String source) {
    Origin base = sourceOrigin != null ? sourceOrigin : of(null, null);
    return new Origin(base.kind, base.source, base.sha256, base.verified, base.signedBy, null, source,
        base.provisionedFrom, base.sourceSize, base.sourceModified);
  }

  /** As {@link #cloneOf}, for an image provisioned from {@code template}. */
  public static Origin provisionOf(Origin templateOrigin, String template) {
    Origin base = templateOrigin != null ? templateOrigin : of(null, null);
    return new Origin(base.kind, base.source, base.sha256, base.verified, base.signedBy, null, null, template,
        base.sourceSize, base.sourceModified);
  }
}
