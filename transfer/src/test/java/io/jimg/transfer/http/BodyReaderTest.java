package io.jimg.transfer.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BodyReaderTest {
  /** A body that hands out at most 8 KiB a read, as okio does, and then fails, or ends. */
  private static InputStream body(byte[] bytes, IOException failure) {
    return new ByteArrayInputStream(bytes) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        int n = super.read(b, off, Math.min(len, 8192));
        if (n < 0 && failure != null) {
          sneakyThrow(failure);
        }
        return n;
      }
    };
  }

  @SuppressWarnings("unchecked")
  private static <E extends Throwable> void sneakyThrow(Throwable e) throws E {
    throw (E) e;
  }

  private static byte[] random(int length) {
    byte[] bytes = new byte[length];
    new Random(length).nextBytes(bytes);
    return bytes;
  }

  @Test
  void fillsWholeBuffersInOrderAndMarksTheEnd() throws Exception {
    byte[] bytes = random(2 * BodyReader.BUFFER + 12345);
    BodyReader reader = new BodyReader(body(bytes, null), Long.MAX_VALUE);
    Thread thread = new Thread(reader);
    thread.start();
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    int buffers = 0;
    while (true) {
      BodyReader.Filled filled = reader.next();
      buffers++;
      assertNull(filled.cut());
      got.write(filled.bytes(), 0, filled.length());
      reader.recycle(filled.bytes());
      if (filled.end()) {
        break;
      }
      assertEquals(BodyReader.BUFFER, filled.length(), "only the last buffer is partial");
    }
    thread.join(10_000);
    assertFalse(thread.isAlive());
    assertEquals(3, buffers);
    assertArrayEquals(bytes, got.toByteArray());
  }

  @Test
  void aCutKeepsTheBytesReadBeforeIt() throws Exception {
    byte[] bytes = random(BodyReader.BUFFER / 2);
    IOException reset = new IOException("connection reset");
    BodyReader reader = new BodyReader(body(bytes, reset), Long.MAX_VALUE);
    new Thread(reader).start();
    BodyReader.Filled filled = reader.next();
    assertSame(reset, filled.cut());
    assertFalse(filled.end());
    assertArrayEquals(bytes, Arrays.copyOf(filled.bytes(), filled.length()));
  }

  @Test
  void readsNoMoreThanTwoBuffersAheadAndStopsWhenInterrupted() throws Exception {
    BodyReader reader = new BodyReader(body(random(5 * BodyReader.BUFFER), null), Long.MAX_VALUE);
    Thread thread = new Thread(reader);
    thread.start();
    BodyReader.Filled first = reader.next();
    BodyReader.Filled second = reader.next();
    thread.join(200); // holding both buffers: the reader must wait for one
    assertTrue(thread.isAlive());
    thread.interrupt();
    thread.join(10_000);
    assertFalse(thread.isAlive());
    assertEquals(BodyReader.BUFFER, first.length());
    assertEquals(BodyReader.BUFFER, second.length());
  }

  /** A blob's copy reads one byte past its declared size, the proof of a longer blob, and never more. */
  @Test
  void aLimitEndsTheReadingWhateverFollows() throws Exception {
    byte[] bytes = random(BodyReader.BUFFER + 500);
    int[] asked = new int[1];
    InputStream counted = new ByteArrayInputStream(bytes) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        int n = super.read(b, off, Math.min(len, 8192));
        asked[0] += Math.max(n, 0);
        return n;
      }
    };
    BodyReader reader = new BodyReader(counted, 1001);
    Thread thread = new Thread(reader);
    thread.start();
    BodyReader.Filled filled = reader.next();
    thread.join(10_000);
    assertFalse(thread.isAlive());
    assertTrue(filled.end());
    assertEquals(1001, filled.length());
    assertEquals(1001, filled.bytes().length, "buffers no larger than the limit");
    assertEquals(1001, asked[0]);
    assertArrayEquals(Arrays.copyOf(bytes, 1001), Arrays.copyOf(filled.bytes(), filled.length()));
  }
}
