package io.jimg.transfer.pull;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class ImageFormatTest {
  @Test
  void tellsTheFormatAndNameFromTheFileName() {
    assertEquals(ImageFormat.TAR, ImageFormat.ofFileName("debian.tar.zst"));
    assertEquals(ImageFormat.TAR, ImageFormat.ofFileName("debian.tar"));
    assertEquals(ImageFormat.RAW, ImageFormat.ofFileName("disk.raw.xz"));
    assertEquals(ImageFormat.RAW, ImageFormat.ofFileName("disk.qcow2"));
    assertNull(ImageFormat.ofFileName("index.html"));
    assertEquals("debian", ImageFormat.defaultName("debian.tar.xz"));
    assertEquals("disk", ImageFormat.defaultName("disk.raw.gz"));
    assertEquals("fedora-39", ImageFormat.defaultName("fedora-39.raw"));
  }
}
