package io.jimg.cli;

import java.io.Writer;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What a command the service runs prints on one of its streams, sent to its client as it flushes: one streamed reply
 * of io.jimg.Command.Run per flush ({@code out} or {@code err}), so that a progress bar moves on the client's
 * terminal as it would in the client's own process. A client that has gone gets nothing more.
 */
final class ReplyWriter extends Writer {
  /** Under the service's message limit, whatever the characters' width in UTF-8. */
  private static final int MAX_CHARS = 1 << 20;

  private final String field;
  private final Consumer<Map<String, Object>> replies;
  private final StringBuilder pending = new StringBuilder();
  private boolean gone;

  ReplyWriter(String field, Consumer<Map<String, Object>> replies) {
    this.field = field;
    this.replies = replies;
  }

  @Override
  public synchronized void write(char[] chars, int offset, int length) {
    pending.append(chars, offset, length);
    if (pending.length() >= MAX_CHARS) {
      flush();
    }
  }

  @Override
  public synchronized void flush() {
    while (pending.length() > 0) {
      int end = Math.min(pending.length(), MAX_CHARS);
      if (end < pending.length() && Character.isHighSurrogate(pending.charAt(end - 1))) {
        end--; // a pair of surrogates goes whole, or its halves would not be UTF-8
      }
      String piece = pending.substring(0, end);
      pending.delete(0, end);
      if (!gone) {
        try {
          replies.accept(Map.of(field, piece));
        } catch (RuntimeException e) {
          gone = true; // the client hung up: its hang-up cancels the command's work
        }
      }
    }
  }

  @Override
  public void close() {
    flush();
  }
}
