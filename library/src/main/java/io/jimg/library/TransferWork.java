package io.jimg.library;

import io.jimg.images.Cancellation;
import io.jimg.images.StoreListener;
import java.io.IOException;

/**
 * What a transfer does, given its stop request and a listener that files what it hears under the transfer's id.
 * It returns once the work has ended and what it made under a temporary is gone, whatever the outcome.
 */
@FunctionalInterface
interface TransferWork<T> {
  T run(Cancellation cancellation, StoreListener listener) throws IOException;
}
