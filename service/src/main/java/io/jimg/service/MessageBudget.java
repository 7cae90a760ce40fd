package io.jimg.service;

/**
 * The bytes all connections together may hold for messages: their buffers, and what a message being handled
 * decodes into. A connection that would go beyond it is closed, not made to wait: waiting would let stalled
 * clients that hold the budget hold up everyone else.
 */
final class MessageBudget {
  private final long total;
  private long used;

  MessageBudget(long total) {
    this.total = total;
  }

  synchronized boolean tryReserve(long bytes) {
    if (used + bytes > total) {
      return false;
    }
    used += bytes;
    return true;
  }

  synchronized void release(long bytes) {
    used -= bytes;
  }

  synchronized long used() {
    return used;
  }
}
