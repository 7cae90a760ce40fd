package io.jimg.btrfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bytes written and file data transferred land in order, whichever way each piece went to the kernel. */
class DescriptorOutputStreamTest {
  @TempDir Path directory;

  @Test
  void writesAndTransfersInOrderAcrossTheBufferAndBySendfile() throws Exception {
    byte[] data = new byte[3 * DescriptorOutputStream.BUFFER + 12345];
    new Random(7).nextBytes(data);
    Path source = Files.write(directory.resolve("source"), data);
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    try (Fd in = Fd.open(source, Linux.O_RDONLY);
        DescriptorOutputStream out = new DescriptorOutputStream(
            Fd.open(directory.resolve("out"), Linux.O_WRONLY | Linux.O_CREAT | Linux.O_EXCL, 0644))) {
      out.write('<');
      expected.write('<');
      assertEquals(100, out.transferFrom(in, 5, 100), "a small piece, read into the buffer");
      expected.write(data, 5, 100);
      byte[] header = "header".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      out.write(header, 0, header.length);
      expected.write(header, 0, header.length);
      long large = 2L * DescriptorOutputStream.BUFFER + 77;
      assertEquals(large, out.transferFrom(in, 1000, large), "a large piece, by sendfile");
      expected.write(data, 1000, (int) large);
      for (int i = 0; i < 40; i++) { // small pieces that fill the buffer more than once
        assertEquals(DescriptorOutputStream.SEND_MIN - 1, out.transferFrom(in, i, DescriptorOutputStream.SEND_MIN - 1));
        expected.write(data, i, (int) DescriptorOutputStream.SEND_MIN - 1);
      }
      assertEquals(45, out.transferFrom(in, data.length - 45, 1000), "a small piece past the end: what is there");
      expected.write(data, data.length - 45, 45);
      assertEquals(345, out.transferFrom(in, data.length - 345, 1 << 20), "a large one past the end");
      expected.write(data, data.length - 345, 345);
      out.write('>');
      expected.write('>');
    }
    assertArrayEquals(expected.toByteArray(), Files.readAllBytes(directory.resolve("out")));
  }

  @Test
  void bytesGoThroughTheBufferWhereSendfileCannotWrite() throws Exception {
    byte[] data = new byte[DescriptorOutputStream.BUFFER + 999];
    new Random(8).nextBytes(data);
    Path source = Files.write(directory.resolve("source"), data);
    // sendfile refuses an output opened for appending (EINVAL)
    try (Fd in = Fd.open(source, Linux.O_RDONLY);
        DescriptorOutputStream out = new DescriptorOutputStream(Fd.open(directory.resolve("appended"),
            Linux.O_WRONLY | Linux.O_CREAT | Linux.O_EXCL | Linux.O_APPEND, 0644))) {
      assertEquals(data.length, out.transferFrom(in, 0, data.length));
      assertEquals(data.length, out.transferFrom(in, 0, data.length));
    }
    byte[] twice = new byte[2 * data.length];
    System.arraycopy(data, 0, twice, 0, data.length);
    System.arraycopy(data, 0, twice, data.length, data.length);
    assertArrayEquals(twice, Files.readAllBytes(directory.resolve("appended")));
  }
}
