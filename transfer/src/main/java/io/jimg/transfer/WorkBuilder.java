package io.jimg.transfer;

import io.jimg.images.Cancellation;
import io.jimg.images.StoreListener;
import java.util.Objects;

/**
 * What every import and export builder takes alike: the listener that hears the work and the cancellation that stops
 * it, set in one place for {@link ImportOptions.Builder} and {@link ExportOptions.Builder}. {@code B} is the builder
 * itself, so that calls chain.
 */
public abstract class WorkBuilder<B extends WorkBuilder<B>> {
  private StoreListener listener = StoreListener.NONE;
  private Cancellation cancellation = Cancellation.NEVER;

  protected WorkBuilder() {}

  public B listener(StoreListener listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
    return self();
  }

  /** What stops the work; each options record says where it is checked. */
  public B cancellation(Cancellation cancellation) {
    this.cancellation = Objects.requireNonNull(cancellation, "cancellation");
    return self();
  }

  protected StoreListener listenerSet() {
    return listener;
  }

  protected Cancellation cancellationSet() {
    return cancellation;
  }

  @SuppressWarnings("unchecked") // B is the concrete builder, as its declaration says
  protected B self() {
    return (B) this;
  }
}
