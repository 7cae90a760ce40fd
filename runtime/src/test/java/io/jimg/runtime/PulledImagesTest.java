package io.jimg.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.runtime.testing.JupiterRun;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/** What {@code @EphemeralRoot(pull = …)} says when it cannot work; the pull itself is the library's test. */
class PulledImagesTest {
  @Test
  void placeholdersAreReplacedAndAnUnknownOneIsNamed() {
    Map<String, String> values = Map.of("mirror", "http://10.0.0.1", "release", "12");

    assertEquals("http://10.0.0.1/debian-12.tar.xz$x",
        PulledImages.expand("${mirror}/debian-${release}.tar.xz$x", values::get));
    ExtensionConfigurationException unknown = assertThrows(ExtensionConfigurationException.class,
        () -> PulledImages.expand("${mirror}/${nowhere}.tar", values::get));
    assertTrue(unknown.getMessage().contains("${nowhere}, which is neither a system property nor an environment"
        + " variable"), unknown.getMessage());
  }

  /** A user's test class without the library on its class path, as the runtime's tests are. */
  static class WithoutTheLibrary {
    @Test
    void pulls(@EphemeralRoot(pull = "http://127.0.0.1:9/x.tar", verify = "no") Path root) {}

    @Test
    void namesNothing(@EphemeralRoot Path root) {}
  }

  @Test
  void withoutTheLibraryOrANameTheTestSaysWhatIsMissing() {
    JupiterRun run = JupiterRun.of(WithoutTheLibrary.class, Map.of());

    assertEquals(2, run.summary().getTestsFailedCount());
    String failures = run.failures();
    assertTrue(failures.contains("needs io.jimg:jimg-library on the test class path"), failures);
    assertTrue(failures.contains("@EphemeralRoot needs an image's name or pull = its URL"), failures);
  }
}
