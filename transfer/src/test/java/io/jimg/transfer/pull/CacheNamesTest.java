package io.jimg.transfer.pull;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CacheNamesTest {
  @Test
  void escapesAsSystemdPullDoes() {
    assertEquals(".tar-http:\\x2f\\x2f127\\x2e0\\x2e0\\x2e1:8765\\x2frootfs\\x2etar\\x2exz",
        CacheNames.entry(ImageFormat.TAR, "http://127.0.0.1:8765/rootfs.tar.xz", null));
    assertEquals(".raw-https:\\x2f\\x2fa\\x2fdisk\\x2eraw.\\x22abc\\x2d1\\x22".replace("\\x2d", "-"),
        CacheNames.entry(ImageFormat.RAW, "https://a/disk.raw", "\"abc-1\""));
    assertEquals("\\x23\\x27\\x5c\\x0a\\xc3\\xa9", CacheNames.escape("#'\\\né"));
  }

  @Test
  void replacesALongUrlByItsHash() {
    String url = "https://example.org/" + "x".repeat(300) + ".tar";
    String name = CacheNames.entry(ImageFormat.TAR, url, "\"e\"");
    assertEquals(".tar-" + CacheNames.sha256(url) + ".\\x22e\\x22", name);
    assertTrue(CacheNames.entry(ImageFormat.RAW, url, "\"" + "e".repeat(300) + "\"").length() < CacheNames.MAX_NAME);
  }
}
