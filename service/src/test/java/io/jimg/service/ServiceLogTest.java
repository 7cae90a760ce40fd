package io.jimg.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The service's log: one line per event, whatever a client put in the text. */
class ServiceLogTest {
  @Test
  void aLineOnStandardErrorHasItsPriorityAndNoControlCharacters() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream stderr = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    ServiceLog log = ServiceLog.standard(stderr, Map.of());
    log.log(ServiceLog.Priority.WARNING, "refused a name \"a\nb\u001b[31m\"");
    assertEquals("<4>refused a name \"a\\x0ab\\x1b[31m\"\n", bytes.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aLongLineIsCut() {
    String line = ServiceLog.oneLine("x".repeat(100_000));
    assertEquals(ServiceLog.MAX_LINE, line.length());
    assertTrue(ServiceLog.oneLine("\u0000").equals("\\x00"));
  }
}
