package io.jimg.service;

import io.jimg.images.Progress;
import io.jimg.images.StoreEvent;
import io.jimg.library.JimgListener;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * The service's listener on its root: every store event goes to the log, one line each, and what a transfer reports
 * also to the call that streams it, found by the transfer's id. The root calls it from the transfers' threads.
 */
public final class ServiceEvents implements JimgListener {
  /** What a streaming call hears of its transfer. */
  interface Subscriber {
    void event(StoreEvent event);

    void progress(Progress progress);
  }

  /** What a Watch call hears: every store event, with the transfer it happened in (null where none). */
  interface Watcher {
    void event(Long transfer, StoreEvent event);
  }

  private final ServiceLog log;
  /** A transfer's streaming calls: the one that started it, and those that joined it (a second Pull of its URL). */
  private final Map<Long, Set<Subscriber>> subscribers = new ConcurrentHashMap<>();
  private final Set<Watcher> watchers = ConcurrentHashMap.newKeySet();

  public ServiceEvents(ServiceLog log) {
    this.log = log;
  }

  ServiceLog log() {
    return log;
  }

  void subscribe(long transfer, Subscriber subscriber) {
    subscribers.computeIfAbsent(transfer, id -> new CopyOnWriteArraySet<>()).add(subscriber);
  }

  void unsubscribe(long transfer, Subscriber subscriber) {
    subscribers.computeIfPresent(transfer, (id, set) -> {
      set.remove(subscriber);
      return set.isEmpty() ? null : set;
    });
  }

  void watch(Watcher watcher) {
    watchers.add(watcher);
  }

  void unwatch(Watcher watcher) {
    watchers.remove(watcher);
  }

  @Override
  public void event(StoreEvent event) {
    log.log(priority(event), line(event));
    watchers.forEach(watcher -> watcher.event(null, event));
  }

  @Override
  public void progress(Progress progress) {
    // progress without a transfer (a listing measuring usage) is nobody's to stream, and too frequent to log
  }

  @Override
  public void event(long transfer, StoreEvent event) {
    log.log(priority(event), "transfer " + transfer + ": " + line(event));
    watchers.forEach(watcher -> watcher.event(transfer, event));
    subscribers.getOrDefault(transfer, Set.of()).forEach(subscriber -> subscriber.event(event));
  }

  @Override
  public void progress(long transfer, Progress progress) {
    subscribers.getOrDefault(transfer, Set.of()).forEach(subscriber -> subscriber.progress(progress));
  }

  static ServiceLog.Priority priority(StoreEvent event) {
    return event.kind() == StoreEvent.Kind.WARNING || event.kind() == StoreEvent.Kind.SKIPPED_BUSY
        ? ServiceLog.Priority.WARNING : ServiceLog.Priority.INFO;
  }

  private static String line(StoreEvent event) {
    String kind = event.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    return kind + (event.image() == null ? "" : " " + event.image()) + ": " + event.message();
  }
}
