package io.jimg.service;

import java.util.ArrayList;
import java.util.List;

/** A log that keeps its lines, for tests that check what the service reported. */
final class RecordingLog implements ServiceLog {
  private final List<String> lines = new ArrayList<>();

  @Override
  public synchronized void log(Priority priority, String line) {
    lines.add(priority + " " + line);
  }

  synchronized List<String> lines() {
    return List.copyOf(lines);
  }

  synchronized boolean contains(String text) {
    return lines.stream().anyMatch(line -> line.contains(text));
  }
}
