package io.jimg.transfer.http;

import io.jimg.images.Cancellation;
import java.io.IOException;
import java.io.InputStream;
import okhttp3.Response;
import okhttp3.ResponseBody;

/** A response, and what cancels its call (a read of its body included) while it is open. */
public record Exchange(Response response, Cancellation.Registration cancelCall) implements AutoCloseable {

  public int code() {
    return response.code();
  }

  public String header(String name) {
    return response.header(name);
  }

  /** The body, at most {@code cap + 1} bytes of it, so that the caller can refuse one over the cap. */
  public byte[] body(int cap) throws IOException {
    ResponseBody body = response.body();
    if (body.contentLength() > cap) {
      return new byte[cap + 1]; // declared too large: not read at all
    }
    try (InputStream in = body.byteStream()) {
      return in.readNBytes(cap + 1);
    }
  }

  @Override
  public void close() {
    try {
      response.close();
    } finally {
      cancelCall.close();
    }
  }
}
