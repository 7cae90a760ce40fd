package io.jimg.service;

import java.util.ArrayDeque;
import java.util.Map;

/**
 * The events a Watch call has yet to send, between the threads that report them and the call's own: bounded, so
 * that a client that stops reading costs the service no more than {@link #CAPACITY} events before it is dropped.
 */
final class EventQueue {
  static final int CAPACITY = 4096;

  /** Why a watch ends. */
  enum End { HUNG_UP, OVERFLOWED }

  private final ArrayDeque<Map<String, Object>> events = new ArrayDeque<>();
  private End end;

  /** Adds an event; past the capacity, the watch ends overflowed. Never blocks the reporting thread. */
  synchronized void add(Map<String, Object> event) {
    if (end != null) {
      return;
    }
    if (events.size() >= CAPACITY) {
      events.clear();
      end = End.OVERFLOWED;
    } else {
      events.add(event);
    }
    notifyAll();
  }

  synchronized void hangUp() {
    if (end == null) {
      end = End.HUNG_UP;
    }
    notifyAll();
  }

  /** The next event, waiting for one; null once the watch has ended, {@link #end()} says why. */
  synchronized Map<String, Object> next() throws InterruptedException {
    while (events.isEmpty() && end == null) {
      wait();
    }
    return events.poll();
  }

  synchronized End end() {
    return end;
  }
}
