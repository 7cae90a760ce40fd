package io.jimg.btrfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DirectoryStackTest {
  /** Counts the descriptors its levels would hold, and records the order levels are reopened in. */
  private static final class Recorder {
    int open;
    int mostOpen;
    final List<String> reopened = new ArrayList<>();
  }

  private static final class RecordingLevel extends DirectoryStack.Level<RecordingLevel> {
    private final Recorder recorder;
    private final RecordingLevel parent;
    private boolean open;

    RecordingLevel(Recorder recorder, RecordingLevel parent, String name) {
      super(FileNames.bytes(name));
      this.recorder = recorder;
      this.parent = parent;
      opened();
    }

    private void opened() {
      open = true;
      recorder.open++;
      recorder.mostOpen = Math.max(recorder.mostOpen, recorder.open);
    }

    @Override
    boolean isOpen() {
      return open;
    }

    @Override
    void suspend() {
      close();
    }

    @Override
    void reopenFrom(RecordingLevel child) {
      assertSame(this, child.parent, "reopened through its own child");
      assertTrue(child.isOpen(), "reopened through an open child");
      recorder.reopened.add(FileNames.show(name));
      opened();
    }

    @Override
    void close() {
      if (open) {
        open = false;
        recorder.open--;
      }
    }
  }

  @Test
  void aDeepChainHoldsAtMostTheWindowAndTheRootOpen() throws NativeException {
    Recorder recorder = new Recorder();
    DirectoryStack<RecordingLevel> stack = new DirectoryStack<>(4);
    stack.push(new RecordingLevel(recorder, null, "0"));
    for (int depth = 1; depth <= 100; depth++) {
      stack.push(new RecordingLevel(recorder, stack.top(), Integer.toString(depth)));
    }
    assertEquals(6, recorder.mostOpen, "the root, the four deepest levels and the one being pushed");
    List<String> climbed = new ArrayList<>();
    while (!stack.isEmpty()) {
      RecordingLevel top = stack.top();
      assertTrue(top.isOpen());
      climbed.add(FileNames.show(top.name));
      stack.pop();
      assertTrue(recorder.open <= 5, recorder.open + " open");
    }
    assertEquals(101, climbed.size());
    assertEquals("100", climbed.get(0));
    assertEquals("0", climbed.get(100));
    assertEquals(0, recorder.open, "everything closed");
    // Climbing back reopens each suspended level once, deepest first: time in proportion to depth.
    assertEquals(96, recorder.reopened.size());
    assertEquals("96", recorder.reopened.get(0));
    assertEquals("1", recorder.reopened.get(95));
    assertEquals(6, recorder.mostOpen);
  }

  @Test
  void closeAllClosesEveryLevel() throws NativeException {
    Recorder recorder = new Recorder();
    DirectoryStack<RecordingLevel> stack = new DirectoryStack<>(1);
    stack.push(new RecordingLevel(recorder, null, "root"));
    stack.push(new RecordingLevel(recorder, stack.top(), "a"));
    stack.push(new RecordingLevel(recorder, stack.top(), "b"));
    stack.closeAll();
    assertEquals(0, recorder.open);
    assertTrue(stack.isEmpty());
  }

  @Test
  void refusesAWindowTooSmallToWalk() {
    assertThrows(IllegalArgumentException.class, () -> new DirectoryStack<RecordingLevel>(0));
  }
}
