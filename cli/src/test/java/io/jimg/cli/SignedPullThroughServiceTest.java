package io.jimg.cli;

/**
 * Every assertion of {@link SignedPullTest} again, its pulls from nginx run in services the test starts over its
 * pools: the same output and exit codes.
 */
class SignedPullThroughServiceTest extends SignedPullTest implements RunsThroughServices {
  @Override
  public JimgRunner runner() {
    return jimg;
  }
}
