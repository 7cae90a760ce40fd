package io.jimg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.NativeException;
import io.jimg.images.JimgException;
import io.jimg.images.JimgException.Reason;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.Callable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** How failures of a verb become one line and an exit code; a stand-in verb throws what the store would. */
class ErrorsTest {
  @Command(name = "fail")
  static final class ThrowingVerb implements Callable<Integer> {
    private final Exception failure;

    ThrowingVerb(Exception failure) {
      this.failure = failure;
    }

    @Override
    public Integer call() throws Exception {
      throw failure;
    }
  }

  private static JimgRunner.Result fail(Exception failure, String... options) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = new JimgRunner().commandLine(out, err);
    commandLine.addSubcommand(new ThrowingVerb(failure));
    // A subcommand added late gets the streams and handlers only when they are set again.
    commandLine.setOut(commandLine.getOut()).setErr(commandLine.getErr())
        .setExecutionExceptionHandler(commandLine.getExecutionExceptionHandler());
    String[] args = new String[options.length + 1];
    args[0] = "fail";
    System.arraycopy(options, 0, args, 1, options.length);
    int exitCode = commandLine.execute(args);
    return new JimgRunner.Result(exitCode, out.toString(), err.toString());
  }

  @ParameterizedTest
  @EnumSource(Reason.class)
  void storeErrorsExitWithTheirReasonsCode(Reason reason) {
    JimgRunner.Result result = fail(new JimgException(reason, "image 'deb' is busy"));
    assertEquals(reason.exitCode(), result.exitCode());
    assertEquals("jimg: image 'deb' is busy\n", result.err());
    assertEquals("", result.out());
  }

  @Test
  void exitCodesAreTheDocumentedOnes() {
    assertEquals(1, Reason.FAILED.exitCode());
    assertEquals(2, Reason.USAGE.exitCode());
    assertEquals(3, Reason.NOT_FOUND.exitCode());
    assertEquals(4, Reason.BUSY.exitCode());
    assertEquals(5, Reason.VERIFICATION.exitCode());
    assertEquals(6, Reason.EXISTS.exitCode());
  }

  @Test
  void systemCallFailuresNameTheVerbTheCallThePathAndTheErrno() {
    JimgRunner.Result result = fail(new NativeException("openat", "/var/lib/machines/deb", 13));
    assertEquals(1, result.exitCode());
    assertEquals("jimg: cannot fail: openat /var/lib/machines/deb: EACCES (permission denied)\n", result.err());
  }

  @Test
  void fileSystemExceptionsNameTheFile() {
    JimgRunner.Result result = fail(new NoSuchFileException("/srv/pool"));
    assertEquals(1, result.exitCode());
    assertEquals("jimg: cannot fail: /srv/pool: ENOENT (no such file or directory)\n", result.err());
  }

  @Test
  void javaIoFailuresNameTheFileAndTheErrno() {
    JimgRunner.Result result = fail(new FileNotFoundException("/mnt (Is a directory)"));
    assertEquals("jimg: cannot fail: /mnt: EISDIR (is a directory)\n", result.err());
  }

  @Test
  void nioFailuresWithStrerrorTextNameTheErrno() {
    JimgRunner.Result result = fail(new FileSystemException("/srv/a", null, "Read-only file system"));
    assertEquals("jimg: cannot fail: /srv/a: EROFS (read-only file system)\n", result.err());
  }

  @Test
  void aStoreMessageEndingWithAJdkFailureNamesTheErrnoOnceWithTheFile() {
    JimgRunner.Result result = fail(new JimgException(Reason.FAILED, "cannot read keyring /x.gpg: /x.gpg",
        new NoSuchFileException("/x.gpg")));
    assertEquals(1, result.exitCode());
    assertEquals("jimg: cannot read keyring /x.gpg: ENOENT (no such file or directory)\n", result.err());
    result = fail(new JimgException(Reason.FAILED, "cannot read keyring /k: Is a directory",
        new IOException("Is a directory")));
    assertEquals("jimg: cannot read keyring /k: EISDIR (is a directory)\n", result.err());
  }

  @Test
  void withJsonAFailureIsOneJsonObjectWithTheErrnoAndPath() {
    JimgRunner.Result result = fail(new JimgException(Reason.NOT_FOUND, "no image 'x'",
        new NativeException("openat", "/pool/x", 2)), "--json");
    assertEquals(3, result.exitCode());
    assertEquals("{\"error\": \"no image 'x'\", \"code\": 3, \"errno\": \"ENOENT\", \"path\": \"/pool/x\"}\n",
        result.err());
  }

  @Test
  void withJsonKeysThatAreUnknownAreAbsent() {
    JimgRunner.Result result = fail(new JimgException(Reason.BUSY, "image 'deb' is busy\nreally"), "--json");
    assertEquals("{\"error\": \"image 'deb' is busy\\nreally\", \"code\": 4}\n", result.err());
  }

  @Test
  void withJsonAJdkFailureNamesItsErrnoAndFile() {
    JimgRunner.Result result = fail(new FileNotFoundException("/mnt (Is a directory)"), "--json");
    assertEquals("{\"error\": \"cannot fail: /mnt: EISDIR (is a directory)\", \"code\": 1, \"errno\": \"EISDIR\", "
        + "\"path\": \"/mnt\"}\n", result.err());
  }

  @Test
  void messagesStayOnOneLineWithControlCharactersEscaped() {
    JimgRunner.Result result = fail(new IOException("first\nsecond\u001b[2J"));
    assertEquals("jimg: cannot fail: first\\x0asecond\\x1b[2J\n", result.err());
  }

  @Test
  void bugsSayTheyAreOneAndPointAtDebug() {
    JimgRunner.Result result = fail(new IllegalStateException("oops"));
    assertEquals(1, result.exitCode());
    assertEquals("jimg: internal error in fail: java.lang.IllegalStateException: oops "
        + "(run with --debug for a stack trace)\n", result.err());
  }

  @Test
  void debugAddsTheStackTraceWhereverItIsGiven() {
    for (String[] options : new String[][] {{"--debug"}}) {
      JimgRunner.Result result = fail(new JimgException(Reason.NOT_FOUND, "no image 'x'",
          new NativeException("openat", "/x", 2)), options);
      assertEquals(3, result.exitCode());
      assertTrue(result.err().startsWith("jimg: no image 'x'\nio.jimg.images.JimgException: no image 'x'\n"), result::toString);
      assertTrue(result.err().contains("Caused by: io.jimg.btrfs.NativeException: openat /x: ENOENT"), result::toString);
    }
  }

  @Test
  void noStackTraceWithoutDebug() {
    JimgRunner.Result result = fail(new JimgException(Reason.BUSY, "busy", new IOException("inner")));
    assertEquals(1, result.err().lines().count(), result::toString);
  }
}
