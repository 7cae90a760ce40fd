package io.jimg.images;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CancellationTest {
  @Test
  void aCheckAfterCancelThrowsTheCancelledReasonNamingTheWork() throws Exception {
    Cancellation cancellation = Cancellation.of("import-tar of 'debian'");
    cancellation.check();
    cancellation.cancel();
    JimgException e = assertThrows(JimgException.class, cancellation::check);
    assertEquals(JimgException.Reason.CANCELLED, e.reason());
    assertEquals("import-tar of 'debian' was cancelled", e.getMessage());
  }

  @Test
  void eachActionRunsOnceAndAClosedRegistrationNever() {
    Cancellation cancellation = Cancellation.of("work");
    AtomicInteger kept = new AtomicInteger();
    AtomicInteger dropped = new AtomicInteger();
    cancellation.onCancel(kept::incrementAndGet);
    cancellation.onCancel(dropped::incrementAndGet).close();
    cancellation.cancel();
    cancellation.cancel();
    assertEquals(1, kept.get());
    assertEquals(0, dropped.get());
  }

  @Test
  void anActionRegisteredAfterTheCancelRunsAtOnce() {
    Cancellation cancellation = Cancellation.of("work");
    cancellation.cancel();
    AtomicInteger ran = new AtomicInteger();
    assertDoesNotThrow(() -> cancellation.onCancel(ran::incrementAndGet).close());
    assertEquals(1, ran.get());
    assertTrue(cancellation.isCancelled());
  }

  @Test
  void workThatCannotBeCancelledRefusesACancel() {
    assertThrows(IllegalStateException.class, Cancellation.NEVER::cancel);
  }
}
