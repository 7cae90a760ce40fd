package com.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.images.ImageStore;
import io.jimg.runtime.EphemeralRoot;
import io.jimg.runtime.Exec;
import io.jimg.runtime.ExecResult;
import io.jimg.runtime.PreparedRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Each test gets a fresh, writable root of the image "debian", removed once the test is over. */
class DebianRootTest {
  /** The images: systemd's /var/lib/machines, unless the build names another directory. */
  static final ImageStore IMAGES = ImageStore.builder()
      .imageRoot(Path.of(System.getProperty("jimg.images", "/var/lib/machines")))
      .build();

  @EphemeralRoot("debian") PreparedRoot root;

  @Test
  void aptWorksInTheRoot() throws Exception {
    ExecResult check = root.exec("apt-get", "-q", "check");

    assertEquals(0, check.exitStatus(), check.stderr());
    assertTrue(check.stdout().contains("Reading package lists"), check.stdout());
  }

  @Test
  void aCommandWritesIntoItsOwnRoot() throws Exception {
    ExecResult written = root.exec(Exec.of("/bin/sh", "-c", "echo \"$GREETING\" > /etc/greeting && cat /etc/greeting")
        .withEnvironment("GREETING", "hello")
        .withTimeout(Duration.ofSeconds(30)));

    assertEquals("hello\n", written.stdout());
    assertTrue(Files.isRegularFile(root.path().resolve("etc/greeting")));
  }

  @Test
  void everyRootStartsFromTheImage(@EphemeralRoot("debian") Path another) {
    assertFalse(Files.exists(root.path().resolve("etc/greeting")));
    assertFalse(Files.exists(another.resolve("etc/greeting")));
  }
}
