package io.jimg.btrfs;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.function.Executable;

/** Small helpers the native layer's tests share. */
final class NativeTesting {
  private NativeTesting() {}

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] bytes(int... values) {
    byte[] bytes = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      bytes[i] = (byte) values[i];
    }
    return bytes;
  }

  /** Asserts that {@code call} fails with {@code errno} and returns the exception for further checks. */
  static NativeException assertErrno(int errno, Executable call) {
    NativeException e = assertThrows(NativeException.class, call);
    if (e.errno() != errno) {
      throw new AssertionError("expected " + Errno.name(errno) + " but got: " + e.getMessage(), e);
    }
    return e;
  }

  /** Creates a regular file holding {@code content}. */
  static void write(Fd directory, byte[] name, byte[] content) throws NativeException {
    try (Fd file = directory.open(name, Linux.O_CREAT | Linux.O_EXCL | Linux.O_WRONLY, 0644)) {
      file.pwriteFully(content, content.length, 0);
    }
  }

  static void write(Fd directory, String name, String content) throws NativeException {
    write(directory, bytes(name), bytes(content));
  }

  static String read(Fd file) throws NativeException {
    byte[] buffer = new byte[1 << 16];
    int length = file.pread(buffer, buffer.length, 0);
    return new String(buffer, 0, length, StandardCharsets.UTF_8);
  }

  static String read(Fd directory, String name) throws NativeException {
    try (Fd file = directory.open(name, Linux.O_RDONLY)) {
      return read(file);
    }
  }

  /** A fresh directory for one test under {@code parent}, opened. */
  static Fd freshDirectory(Path parent, String name) throws NativeException {
    try (Fd top = Fd.openDirectory(parent)) {
      top.mkdir(name, 0755);
      return top.openDirectory(name);
    }
  }
}
