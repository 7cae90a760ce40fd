package io.jimg.cli;

import io.jimg.transfer.pull.ImageFormat;

final class PullRawCommand extends PullCommand {
  PullRawCommand() {
    super("pull-raw", "Download a raw disk image over HTTP(S), verify it, and add it to the pool.", ImageFormat.RAW,
        "jimg pull-raw https://example.org/images/fedora.raw fedora");
  }
}
