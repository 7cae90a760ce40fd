package io.jimg.images;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps every event the store reports, for tests to assert on. */
final class RecordingListener implements StoreListener {
  final List<StoreEvent> events = new CopyOnWriteArrayList<>();

  @Override
  public void event(StoreEvent event) {
    events.add(event);
  }

  boolean has(StoreEvent.Kind kind, String image) {
    return events.stream().anyMatch(e -> e.kind() == kind && (image == null || image.equals(e.image())));
  }
}
