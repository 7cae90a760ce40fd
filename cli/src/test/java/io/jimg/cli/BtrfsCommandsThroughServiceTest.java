package io.jimg.cli;

/**
 * Every assertion of {@link BtrfsCommandsTest} again, its verbs run in services the test starts over its pools:
 * the same output and exit codes.
 */
class BtrfsCommandsThroughServiceTest extends BtrfsCommandsTest implements RunsThroughServices {
  @Override
  public JimgRunner runner() {
    return jimg;
  }
}
