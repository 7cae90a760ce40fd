package io.jimg.transfer.pull;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class ImageFormatTest {
  @Test
  void tellsTheFormatFromTheFileName() {
    assertEquals(ImageFormat.TAR, ImageFormat.ofFileName("debian.tar.zst"));
    assertEquals(ImageFormat.TAR, ImageFormat.ofFileName("debian.tar"));
    assertEquals(ImageFormat.RAW, ImageFormat.ofFileName("disk.raw.xz"));
    assertEquals(ImageFormat.RAW, ImageFormat.ofFileName("disk.qcow2"));
    assertNull(ImageFormat.ofFileName("index.html"));
  }
}
