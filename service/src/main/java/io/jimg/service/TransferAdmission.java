package io.jimg.service;

import io.jimg.library.Jimg;
import io.jimg.library.Transfer;

/**
 * The service's bound on transfers running at once, as machined and importd bound theirs: a call that would start
 * one more than {@link #MAX_RUNNING} is refused with its interface's error. The count and the start happen under
 * one lock, and every transfer the service starts starts here, so that concurrent calls cannot pass the bound
 * together; a transfer counts until its work has ended (the root's registry holds it until then), oneway or not.
 */
final class TransferAdmission {
  static final int MAX_RUNNING = 16;

  /** What starts a transfer on the root: it returns at once (see {@code Transfers}). */
  @FunctionalInterface
  interface Start<T> {
    Transfer<T> start();
  }

  private final Jimg root;

  TransferAdmission(Jimg root) {
    this.root = root;
  }

  /** Starts a transfer, or refuses with {@code tooMany} where {@link #MAX_RUNNING} run already. */
  synchronized <T> Transfer<T> start(VarlinkError tooMany, Start<T> start) throws VarlinkError {
    if (root.transfers().list().size() >= MAX_RUNNING) {
      throw tooMany;
    }
    return start.start();
  }
}
