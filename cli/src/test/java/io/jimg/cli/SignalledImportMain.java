package io.jimg.cli;

import io.jimg.images.Image;
import io.jimg.library.ImportRequest;
import io.jimg.library.Transfer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/**
 * A jimg process for the signal tests, wired as {@link Main#main} wires one: the command's root, the signal handlers
 * and the exit through them. It imports the first half of a tar archive from a stream that then blocks, prints
 * {@code BLOCKED}, and waits: on the transfer's cancellation the stream fails with it ({@code release}), as the
 * import loops will, or holds the cancel itself, printing {@code CANCELLING} ({@code hold}). Arguments: POOL ARCHIVE MODE.
 */
public final class SignalledImportMain {
  private SignalledImportMain() {}

  public static void main(String[] args) throws Exception {
    String[] command = {"--image-root=" + args[0], "list"};
    PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
    PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
    picocli.CommandLine commandLine =
        Main.commandLine(new Environment(Map.of(), () -> ZoneId.of("UTC"), false), out, err, command);
    commandLine.parseArgs(command);
    JimgCommand jimg = commandLine.getCommand();
    CancelOnSignal signals = CancelOnSignal.install(jimg, err);
    jimg.cancelOnSignal(signals);

    byte[] archive = Files.readAllBytes(Path.of(args[1]));
    CompletableFuture<Transfer<?>> started = new CompletableFuture<>();
    HalfThenBlocked stream = new HalfThenBlocked(archive, started, args[2].equals("hold"), out);
    Transfer<Image> transfer = jimg.root().transfers().importTar(stream, "signalled", ImportRequest.DEFAULTS);
    started.complete(transfer);
    int exitCode = 0;
    try {
      transfer.await();
    } catch (IOException e) {
      exitCode = new Errors(jimg).handleExecutionException(e, commandLine, null);
    }
    out.flush();
    err.flush();
    signals.exit(exitCode);
  }

  private static void holdForever(PrintWriter out) {
    out.println("CANCELLING");
    waitUninterruptibly();
  }

  private static void waitUninterruptibly() {
    while (true) {
      try {
        new CountDownLatch(1).await();
      } catch (InterruptedException e) {
        // held all the same: only the second signal ends it
      }
    }
  }

  /** The first half of the archive, then a read that waits for the transfer's cancellation. */
  private static final class HalfThenBlocked extends InputStream {
    private final byte[] archive;
    private final CompletableFuture<Transfer<?>> transfer;
    private final boolean hold;
    private final PrintWriter out;
    private int position;

    HalfThenBlocked(byte[] archive, CompletableFuture<Transfer<?>> transfer, boolean hold, PrintWriter out) {
      this.archive = archive;
      this.transfer = transfer;
      this.hold = hold;
      this.out = out;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int half = archive.length / 2;
      if (position < half) {
        int count = Math.min(length, half - position);
        System.arraycopy(archive, position, buffer, offset, count);
        position += count;
        return count;
      }
      Transfer<?> running = transfer.join();
      CountDownLatch cancelled = new CountDownLatch(1);
      // On hold, neither the read nor the cancel ever ends: the cancel's action blocks the thread that cancels, as a
      // cleanup that hangs would, and the read keeps the import's temporary, until the second signal ends the process.
      Runnable onCancel = hold ? () -> holdForever(out) : cancelled::countDown;
      try (var registration = running.cancellation().onCancel(onCancel)) {
        out.println("BLOCKED");
        if (hold) {
          waitUninterruptibly(); // an interrupt the cancel sends does not end this read either
        }
        cancelled.await();
      } catch (InterruptedException e) {
        throw new IOException(e);
      }
      running.cancellation().check();
      throw new IOException("unreachable: the transfer was cancelled");
    }
  }
}
