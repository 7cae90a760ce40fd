package io.jimg.runtime.testing;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs a test class under a JUnit launcher of its own, as a build tool would, with the configuration given, and
 * keeps what JUnit logged meanwhile (its warnings go to java.util.logging, under the {@code org.junit} loggers).
 */
public record JupiterRun(TestExecutionSummary summary, List<LogRecord> warnings) {
  public static JupiterRun of(Class<?> testClass, Map<String, String> configuration) {
    Logger junit = Logger.getLogger("org.junit");
    List<LogRecord> warnings = new ArrayList<>();
    Handler keeper = new Handler() {
      @Override
      public synchronized void publish(LogRecord record) {
        if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
          warnings.add(record);
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    junit.addHandler(keeper);
    try {
      LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
          .selectors(selectClass(testClass))
          .configurationParameters(configuration)
          .build();
      SummaryGeneratingListener summary = new SummaryGeneratingListener();
      LauncherFactory.create().execute(request, summary);
      synchronized (keeper) {
        return new JupiterRun(summary.getSummary(), List.copyOf(warnings));
      }
    } finally {
      junit.removeHandler(keeper);
    }
  }

  /** The failures' messages, for an assertion's message. */
  public String failures() {
    StringBuilder text = new StringBuilder();
    summary.getFailures().forEach(failure -> text.append(failure.getTestIdentifier().getDisplayName()).append(": ")
        .append(failure.getException()).append('\n'));
    return text.toString();
  }
}
