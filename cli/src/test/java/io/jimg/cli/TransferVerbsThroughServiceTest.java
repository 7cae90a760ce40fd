package io.jimg.cli;

/**
 * Every assertion of {@link TransferVerbsTest} again, its imports and exports run in services the test starts over
 * its pools: the same output and exit codes.
 */
class TransferVerbsThroughServiceTest extends TransferVerbsTest implements RunsThroughServices {
  @Override
  public JimgRunner runner() {
    return jimg;
  }
}
