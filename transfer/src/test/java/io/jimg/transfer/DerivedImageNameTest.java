package io.jimg.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DerivedImageNameTest {
  @ParameterizedTest
  @CsvSource({
      "debian.tar.xz, debian", "disk.raw.gz, disk", "fedora-39.raw, fedora-39", "dir/debian-12.tgz, debian-12",
      "root.tbz2, root", "root.tar.zst, root", "disk.qcow2.xz, disk", "Disk.IMG, Disk", "debian.tar.tar, debian",
      ".tar, .tar", "settings.nspawn, settings.nspawn", "debian-12, debian-12"})
  void takesOffEveryImageAndCompressionSuffix(String fileName, String name) {
    assertEquals(name, DerivedImageName.fromFileName(fileName));
  }
}
