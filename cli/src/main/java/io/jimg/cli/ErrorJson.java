package io.jimg.cli;

import io.jimg.images.IoFailures;

/**
 * A failure as one JSON object on one line, for scripts that run jimg with {@code --json}:
 * {@code {"error": "...", "code": N, "errno": "ENOENT", "path": "/x"}}, where errno and path are those of the
 * failed system call in the failure or its causes, and absent where none names them.
 */
final class ErrorJson {
  private ErrorJson() {}

  static String of(String message, int code, Throwable failure) {
    Throwable call = failedCall(failure);
    String errno = call == null ? null : IoFailures.errnoName(call);
    String path = call == null ? null : IoFailures.path(call);
    return Json.line(json -> {
      json.writeStartObject();
      json.writeStringField("error", message);
      json.writeNumberField("code", code);
      if (errno != null) {
        json.writeStringField("errno", errno);
      }
      if (path != null) {
        json.writeStringField("path", path);
      }
      json.writeEndObject();
    });
  }

  /** The first of the failure and its causes that names an errno, or null. */
  private static Throwable failedCall(Throwable failure) {
    for (Throwable each = failure; each != null; each = each.getCause() == each ? null : each.getCause()) {
      if (IoFailures.errnoName(each) != null) {
        return each;
      }
    }
    return null;
  }
}
