package io.jimg.transfer.compress;

import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.Requirements;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Test data for the codecs: text that compresses as a root's files do, and a pipe that trickles. */
final class Samples {
  private Samples() {}

  /** {@code size} bytes of the letters of "jimg image store " in an order fixed by {@code seed}. */
  static byte[] sample(int size, long seed) {
    byte[] data = new byte[size];
    Random random = new Random(seed);
    for (int i = 0; i < size; i++) {
      data[i] = (byte) "jimg image store ".charAt(random.nextInt(17));
    }
    return data;
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  /** Runs {@code command} (a tool and its options) on {@code input} through a shell pipeline; returns its output. */
  static byte[] tool(Path temp, String command, byte[] input) throws IOException {
    Requirements.requireTool(command.split(" ")[0]);
    Path in = Files.write(Files.createTempFile(temp, "in", ""), input);
    Path out = Files.createTempFile(temp, "out", "");
    Commands.run("bash", "-c", command + " < " + in + " > " + out);
    return Files.readAllBytes(out);
  }

  /** Everything {@code opener} decodes from {@code encoded}. */
  static byte[] decodeAll(NativeDecoderChecks.Opener opener, InputStream encoded) throws IOException {
    try (InputStream in = opener.open(encoded)) {
      return in.readAllBytes();
    }
  }

  /** Hands out at most a few bytes a read, as a slow pipe does. */
  static final class TricklingInputStream extends FilterInputStream {
    TricklingInputStream(byte[] bytes) {
      super(new ByteArrayInputStream(bytes));
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return super.read(b, off, Math.min(len, 7));
    }
  }
}
