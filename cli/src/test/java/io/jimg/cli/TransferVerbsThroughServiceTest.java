package io.jimg.cli;

import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Every assertion of {@link TransferVerbsTest} again, its imports and exports run in a service the test starts over
 * the pool, as the jimg command runs them where jimg serve runs: the same output, files and exit codes.
 */
class TransferVerbsThroughServiceTest extends TransferVerbsTest {
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
