package io.jimg.service;

/**
 * A message that breaks the protocol: not one well-formed JSON object, or not a call. Its connection is closed, as
 * systemd closes one, since nothing after it can be trusted to be framed as its sender meant.
 */
final class MalformedMessage extends Exception {
  private static final long serialVersionUID = 1L;

  MalformedMessage(String problem) {
    super(problem, null, false, false);
  }
}
