package io.jimg.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class LaunchSpecTest {
  @Test
  void bindsParseAsSystemdNspawnSpellsThem() {
    assertEquals(new LaunchSpec.Bind(Path.of("/srv/data"), "/srv/data"), LaunchSpec.Bind.parse("/srv/data"));
    assertEquals(new LaunchSpec.Bind(Path.of("/srv/data"), "/data"), LaunchSpec.Bind.parse("/srv/data:/data"));
  }

  @Test
  void badBindsAreRefusedWithTheReason() {
    for (String bind : List.of("relative", "/srv:relative", "/srv:/a:b", "/srv:/", "/srv://", "/srv:/..",
        "/srv:/a/../..", "/srv:/a/./b")) {
      IllegalArgumentException thrown =
          assertThrows(IllegalArgumentException.class, () -> LaunchSpec.Bind.parse(bind), bind);
      assertTrue(thrown.getMessage().startsWith("bind "), thrown.getMessage());
    }
  }

  @Test
  void anEmptyCommandBootsAndWithersKeepTheRest() {
    assertTrue(LaunchSpec.boot().boots());
    LaunchSpec spec = LaunchSpec.command("/bin/true").withEnvironment("A", "1").withReadOnly(true)
        .withBind(LaunchSpec.Bind.parse("/srv"));
    assertFalse(spec.boots());
    assertEquals(List.of("/bin/true"), spec.command());
    assertEquals("1", spec.environment().get("A"));
    assertTrue(spec.readOnly());
    assertEquals(1, spec.binds().size());
  }

  @Test
  void environmentNamesMustBeNames() {
    for (String key : List.of("", "A=B", "A\0")) {
      assertThrows(IllegalArgumentException.class, () -> LaunchSpec.command("/bin/true").withEnvironment(key, "v"));
    }
  }
}
