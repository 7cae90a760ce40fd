package io.jimg.cli;

import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Every assertion of {@link SignedPullTest} again: pulls from nginx run in a service the test starts over the pool, as
 * the jimg command runs them where jimg serve runs: the same output and exit code as in-process.
 */
class SignedPullThroughServiceTest extends SignedPullTest {
  private final TestServices services = new TestServices();

  @BeforeEach
  void throughService() {
    jimg.throughService(services);
  }

  @AfterEach
  void stopServices() throws IOException {
    services.close();
  }
}
