package io.jimg.transfer.tar;

import io.jimg.images.JimgException;

/** An archive that jimg refuses: broken, lying or hostile. The message names the entry and where it is. */
public final class TarException extends JimgException {
  private static final long serialVersionUID = 1L;

  TarException(String message) {
    super(Reason.FAILED, message);
  }

  TarException(String message, Throwable cause) {
    super(Reason.FAILED, message, cause);
  }
}
