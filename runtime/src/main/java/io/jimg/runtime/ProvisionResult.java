package io.jimg.runtime;

import java.time.Duration;
import java.util.List;

/** The images a provisioning run published, in order, and how long it took. */
public record ProvisionResult(List<String> names, Duration elapsed) {
  public ProvisionResult {
    names = List.copyOf(names);
  }
}
