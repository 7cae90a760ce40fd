package io.jimg.cli;

import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A test class whose runner sends the verbs the service runs to services the test starts, one per pool, as the jimg
 * command does where jimg serve runs: a subclass of an in-process test that implements this runs every assertion
 * of its parent again that way, so that the service must print the same and exit with the same code.
 */
interface RunsThroughServices {
  /** The runner the test's commands go through. */
  JimgRunner runner();

  @BeforeEach
  default void startServices() {
    runner().throughNewServices();
  }

  @AfterEach
  default void stopServices() throws IOException {
    runner().stopServices();
  }
}
