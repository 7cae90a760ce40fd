package io.jimg.transfer;

import io.jimg.images.Progress;
import io.jimg.images.StoreEvent;
import io.jimg.images.StoreListener;
import java.util.function.Predicate;

/** Listeners that run {@code reach} (a {@code StopAt}'s) at a moment of the operation they hear of, on its thread. */
public final class StoppingListeners {
  private StoppingListeners() {}

  /** Hears nothing: for a test whose moment something else signals (a hooked stream). */
  public static StoreListener deaf(Runnable reach) {
    return StoreListener.NONE;
  }

  public static StoreListener atProgress(Predicate<Progress> moment, Runnable reach) {
    return new StoreListener() {
      @Override
      public void progress(Progress progress) {
        if (moment.test(progress)) {
          reach.run();
        }
      }
    };
  }

  public static StoreListener atEvent(Predicate<StoreEvent> moment, Runnable reach) {
    return new StoreListener() {
      @Override
      public void event(StoreEvent event) {
        if (moment.test(event)) {
          reach.run();
        }
      }
    };
  }
}
