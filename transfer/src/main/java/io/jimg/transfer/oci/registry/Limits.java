package io.jimg.transfer.oci.registry;

/** Bounds on what a registry may make jimg read or hold: every size and count a hostile registry controls. */
public final class Limits {
  private Limits() {}

  /** A manifest, an index or a config; real ones are a few KiB. */
  public static final int MAX_DOCUMENT = 4 * 1024 * 1024;
  /** Layers of one image: Docker's own limit is 127, overlayfs's about as many. */
  static final int MAX_LAYERS = 128;
  /** Entries of one index: real ones list a few dozen platforms and attestations. */
  static final int MAX_INDEX_ENTRIES = 1024;
  /** An index may name an index (one level), not more: a chain or a loop ends here. */
  public static final int MAX_INDEX_DEPTH = 2;
  /** A token answer, an error body. */
  static final int MAX_SMALL_BODY = 64 * 1024;
  /** Redirects of one blob request (a registry to its CDN is one). */
  static final int MAX_REDIRECTS = 5;
  /** Between checks of the cancellation, and the unit of progress. */
  static final int BUFFER = 1024 * 1024;
}
