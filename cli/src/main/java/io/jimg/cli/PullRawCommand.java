package io.jimg.cli;

import io.jimg.transfer.pull.ImageFormat;
import picocli.CommandLine.Command;

@Command(name = "pull-raw", description = "Download a raw disk image over HTTP(S), verify it, and add it to the pool.",
    footer = {"", "Example:", "  jimg pull-raw https://example.org/images/fedora.raw fedora"})
final class PullRawCommand extends PullCommand {
  @Override
  ImageFormat verbFormat() {
    return ImageFormat.RAW;
  }
}
