package io.jimg.images;

import java.io.IOException;

/**
 * A failure a person can act on: the message says what failed, where and why, in one line, and the reason
 * decides the command's exit code.
 */
public class JimgException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Why an operation failed; each has its own documented exit code. */
  public enum Reason {
    FAILED(1),
    USAGE(2),
    NOT_FOUND(3),
    BUSY(4),
    VERIFICATION(5),
    EXISTS(6),
    /** Cancelled on request (a caller, a service client, SIGINT or SIGTERM); what it made is gone. */
    CANCELLED(7);

    private final int exitCode;

    Reason(int exitCode) {
      this.exitCode = exitCode;
    }

    public int exitCode() {
      return exitCode;
    }
  }

  private final Reason reason;

  public JimgException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public JimgException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
