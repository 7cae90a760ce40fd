package io.jimg.images;

import io.jimg.btrfs.Errno;
import io.jimg.btrfs.Linux;
import io.jimg.btrfs.NativeException;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The errno and the file of a failed system call, whoever made it: jimg's own calls ({@link NativeException}),
 * java.nio's (a {@link FileSystemException} names the errno only by its class or by strerror's text) and
 * java.io's ({@code FileNotFoundException: /mnt (Is a directory)}), and a read's or write's, which is strerror's
 * text alone. Every message about such a failure reads the
 * same, {@code /mnt: EISDIR (is a directory)}, and a script can be told the errno's name and the path.
 */
public final class IoFailures {
  /** java.io's form: "PATH (strerror text)". */
  private static final Pattern JAVA_IO = Pattern.compile("(.*) \\(([^()]*)\\)");

  /** The errnos java.nio names by an exception class of its own. */
  private static final Map<Class<? extends FileSystemException>, Integer> NIO_CLASSES = Map.of(
      NoSuchFileException.class, Linux.ENOENT,
      AccessDeniedException.class, Linux.EACCES,
      NotDirectoryException.class, Linux.ENOTDIR,
      FileAlreadyExistsException.class, Linux.EEXIST,
      DirectoryNotEmptyException.class, Linux.ENOTEMPTY,
      FileSystemLoopException.class, Linux.ELOOP,
      NotLinkException.class, Linux.EINVAL);

  private IoFailures() {}

  /** The failure in a few words: the call or file, the errno's name and description; the message otherwise. */
  public static String describe(IOException failure) {
    if (failure instanceof NativeException) {
      return failure.getMessage();
    }
    int errno = errno(failure);
    String path = path(failure);
    if (errno != 0 && path != null) {
      String other = failure instanceof FileSystemException file && file.getOtherFile() != null
          ? " -> " + file.getOtherFile() : "";
      return path + other + ": " + Errno.name(errno) + " (" + Errno.description(errno) + ")";
    }
    if (errno != 0) {
      return Errno.name(errno) + " (" + Errno.description(errno) + ")";
    }
    if (failure instanceof FileSystemException file) {
      return file.getFile() + ": " + (file.getReason() != null ? file.getReason() : file.getClass().getSimpleName());
    }
    return failure.getMessage() != null ? failure.getMessage() : failure.getClass().getSimpleName();
  }

  /** The errno's symbolic name, such as {@code ENOENT}, or null where the failure names none. */
  public static String errnoName(Throwable failure) {
    int errno = errno(failure);
    return errno == 0 ? null : Errno.name(errno);
  }

  /** The file the failed call acted on, or null where the failure names none. */
  public static String path(Throwable failure) {
    if (failure instanceof NativeException nativeFailure) {
      return nativeFailure.path();
    }
    if (failure instanceof FileSystemException file) {
      return file.getFile();
    }
    if (failure instanceof FileNotFoundException && failure.getMessage() != null) {
      Matcher form = JAVA_IO.matcher(failure.getMessage());
      return form.matches() ? form.group(1) : null;
    }
    return null;
  }

  private static int errno(Throwable failure) {
    if (failure instanceof NativeException nativeFailure) {
      return nativeFailure.errno();
    }
    if (failure instanceof FileSystemException file) {
      return errnoOfNio(file);
    }
    if (failure instanceof FileNotFoundException && failure.getMessage() != null) {
      Matcher form = JAVA_IO.matcher(failure.getMessage());
      return form.matches() ? Errno.byDescription(form.group(2)) : 0;
    }
    // A failed read or write names no file: the JDK's message is strerror's text alone ("Is a directory").
    String message = failure.getMessage();
    return failure instanceof IOException && message != null ? Errno.byDescription(message) : 0;
  }

  /** java.nio names some errnos by the exception's class and puts strerror's text into the rest. */
  private static int errnoOfNio(FileSystemException file) {
    for (Map.Entry<Class<? extends FileSystemException>, Integer> named : NIO_CLASSES.entrySet()) {
      if (named.getKey().isInstance(file)) {
        return named.getValue();
      }
    }
    return file.getReason() == null ? 0 : Errno.byDescription(file.getReason());
  }
}
