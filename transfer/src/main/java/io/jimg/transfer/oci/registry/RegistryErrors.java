package io.jimg.transfer.oci.registry;

import io.jimg.images.JimgException;
import io.jimg.transfer.http.Exchange;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A registry's failure answers as one line each: its JSON errors ({@code {"errors":[{"code":…,"message":…}]}})
 * where it sent some, the HTTP status otherwise. The text is the registry's, so it is cut short and stripped of
 * control characters: a message is one line whatever the registry sends.
 */
final class RegistryErrors {
  private RegistryErrors() {}

  private static final int QUOTED_MAX = 200;
  private static final int MAX_ERRORS = 3;

  /** The failure of {@code exchange}, for the operation {@code what} (which names the reference). */
  static JimgException failure(Exchange exchange, String what) {
    int code = exchange.code();
    String detail;
    try {
      detail = errors(exchange.body(Limits.MAX_SMALL_BODY));
    } catch (IOException e) {
      detail = null;
    }
    if (detail == null) {
      detail = "HTTP " + code + (exchange.response().message().isEmpty() ? "" : " " + exchange.response().message());
    }
    if (code == 401 || code == 403) {
      Challenge challenge = Challenge.parse(exchange.header("WWW-Authenticate"));
      String error = challenge == null ? null : challenge.parameter("error");
      detail = "access denied (" + detail + (error == null ? "" : ", " + quoted(error)) + ")";
    }
    JimgException.Reason reason = code == 404 ? JimgException.Reason.NOT_FOUND : JimgException.Reason.FAILED;
    return new JimgException(reason, what + ": " + detail);
  }

  /** "CODE: message; CODE: message" from an errors document, or null where the body is none. */
  private static String errors(byte[] body) {
    if (body.length == 0 || body.length > Limits.MAX_SMALL_BODY) {
      return null;
    }
    try {
      List<String> lines = new ArrayList<>();
      for (Map<String, Object> error : Json.objects(Json.parseObject(body, "error"), "errors", 100, "error")) {
        if (lines.size() == MAX_ERRORS) {
          break;
        }
        String code = Json.optionalString(error, "code", "error");
        String message = Json.optionalString(error, "message", "error");
        lines.add(quoted(code == null ? "error" : code) + (message == null ? "" : ": " + quoted(message)));
      }
      return lines.isEmpty() ? null : String.join("; ", lines);
    } catch (JimgException e) {
      return null;
    }
  }

  /** A server's text as a message quotes it: one line, its start only where it is long. */
  static String quoted(String text) {
    String line = text.replaceAll("\\p{Cntrl}", " ");
    return line.length() <= QUOTED_MAX ? line : line.substring(0, QUOTED_MAX) + "...";
  }
}
