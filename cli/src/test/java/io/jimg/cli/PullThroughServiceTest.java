package io.jimg.cli;

import java.io.IOException;
import org.junit.jupiter.api.AfterEach;

/** Every assertion of {@link PullCommandTest} again, its pulls run in a service the test starts over the pool. */
class PullThroughServiceTest extends PullCommandTest {
  private final TestServices services = new TestServices();

  @Override
  JimgRunner runner() {
    return new JimgRunner().throughService(services);
  }

  @AfterEach
  void stopServices() throws IOException {
    services.close();
  }
}
