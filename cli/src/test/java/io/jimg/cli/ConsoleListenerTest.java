package io.jimg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.images.Progress;
import io.jimg.images.StoreEvent;
import io.jimg.images.StoreEvent.Kind;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ConsoleListenerTest {
  private final StringWriter err = new StringWriter();
  private final AtomicLong nanos = new AtomicLong();

  private ConsoleListener listener(boolean quiet, boolean bar) {
    return new ConsoleListener(new PrintWriter(err), quiet, bar, nanos::get);
  }

  @Test
  void eventsAreOneLineEachNamingTheImage() {
    ConsoleListener listener = listener(false, false);
    listener.event(new StoreEvent(Kind.CREATED, "deb2", "cloned from debian"));
    listener.event(new StoreEvent(Kind.REMOVED, "old", null));
    listener.event(new StoreEvent(Kind.SWEPT, null, "swept a clone in /var/lib/machines (.#jimg-1.*)"));
    listener.event(new StoreEvent(Kind.SKIPPED_BUSY, ".busy", "image .busy is in use by pid 42"));
    listener.event(new StoreEvent(Kind.SKIPPED_BUSY, ".other", ""));
    assertEquals("deb2: cloned from debian\n"
        + "old: removed\n"
        + "swept a clone in /var/lib/machines (.#jimg-1.*)\n"
        + ".busy: skipped, in use: image .busy is in use by pid 42\n"
        + ".other: skipped, in use\n", err.toString());
  }

  @Test
  void warningsStandOutAndNameTheImageOnce() {
    ConsoleListener listener = listener(false, false);
    listener.event(new StoreEvent(Kind.WARNING, "deb", "quota is inconsistent"));
    listener.event(new StoreEvent(Kind.WARNING, "deb", "cannot read image /p/deb: EACCES"));
    listener.event(new StoreEvent(Kind.WARNING, null, "cannot sweep leftovers"));
    assertEquals("jimg: warning: deb: quota is inconsistent\n"
        + "jimg: warning: cannot read image /p/deb: EACCES\n"
        + "jimg: warning: cannot sweep leftovers\n", err.toString());
  }

  @Test
  void eventLinesEscapeControlCharacters() {
    listener(false, false).event(new StoreEvent(Kind.CREATED, "a\nb", null));
    assertEquals("a\\x0ab: created\n", err.toString());
  }

  @Test
  void quietPrintsNothing() {
    ConsoleListener listener = listener(true, false);
    listener.event(new StoreEvent(Kind.CREATED, "deb2", null));
    listener.progress(new Progress("copy", 1, 2, 1));
    listener.finish();
    assertEquals("", err.toString());
  }

  @Test
  void noBarOffATerminal() {
    listener(false, false).progress(new Progress("copy", 1, 2, 1));
    assertEquals("", err.toString());
  }

  @Test
  void barRedrawsOneLineAtMostTenTimesASecondAndIsErasedAtTheEnd() {
    ConsoleListener listener = listener(false, true);
    listener.progress(new Progress("copy deb", 0, 1 << 20, 0));
    nanos.addAndGet(10_000_000);
    listener.progress(new Progress("copy deb", 1 << 19, 1 << 20, 10)); // too soon: skipped
    nanos.addAndGet(100_000_000);
    listener.progress(new Progress("copy deb", 1 << 19, 1 << 20, 10));
    listener.finish();
    assertEquals("\rcopy deb [..............................] 0% 0B/1.0M\u001b[K"
        + "\rcopy deb [###############...............] 50% 512.0K/1.0M\u001b[K"
        + "\r\u001b[K", err.toString());
  }

  @Test
  void barDrawsCompletionAtOnce() {
    ConsoleListener listener = listener(false, true);
    listener.progress(new Progress("copy", 0, 10, 0));
    listener.progress(new Progress("copy", 10, 10, 0));
    assertEquals("\rcopy [..............................] 0% 0B/10B\u001b[K"
        + "\rcopy [##############################] 100% 10B/10B\u001b[K", err.toString());
  }

  @Test
  void barWithoutATotalCountsBytesAndEntries() {
    assertEquals("copy 178.2M, 6700 entries", ConsoleListener.bar(new Progress("copy", 186960896L, -1, 6700)));
  }

  @Test
  void barShowsTheRateAndTheTimeLeftOnceHalfASecondHasPassed() {
    ConsoleListener listener = listener(false, true);
    listener.progress(new Progress("import-tar", 0, 300L << 20, 0));
    nanos.addAndGet(2_000_000_000L);
    listener.progress(new Progress("import-tar", 100L << 20, 300L << 20, 10));
    assertTrue(err.toString().endsWith("\rimport-tar [##########....................] 33% 100.0M/300.0M, 50.0M/s, 0:05 left"
        + "\u001b[K"), err.toString());
    assertEquals("export-tar 2.0G, 7 entries, 34.1M/s",
        ConsoleListener.bar(new Progress("export-tar", 2L << 30, -1, 7), 60_000_000_000L));
    assertEquals("1:01:01", ConsoleListener.clock(3661));
  }

  /** An import that has read its archive sits at 100 % while it writes and flushes: the bar says which. */
  @Test
  void barShowsThePhaseAtOnceAndDropsTheRate() {
    ConsoleListener listener = listener(false, true);
    listener.progress(new Progress("import-tar", 0, 10, 0));
    nanos.addAndGet(1_000_000_000L);
    listener.progress(new Progress("import-tar", 10, 10, 3, Progress.WRITING));
    listener.progress(new Progress("import-tar", 10, 10, 3, Progress.FLUSHING));
    assertTrue(err.toString().endsWith("\rimport-tar [##############################] 100% 10B/10B, writing\u001b[K"
        + "\rimport-tar [##############################] 100% 10B/10B, flushing\u001b[K"), err.toString());
  }

  @Test
  void eventErasesTheBarFirst() {
    ConsoleListener listener = listener(false, true);
    listener.progress(new Progress("copy", 0, 10, 0));
    listener.event(new StoreEvent(Kind.CREATED, "deb2", null));
    assertEquals("\rcopy [..............................] 0% 0B/10B\u001b[K\r\u001b[Kdeb2: created\n", err.toString());
  }
}
