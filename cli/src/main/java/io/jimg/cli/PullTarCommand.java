package io.jimg.cli;

import io.jimg.transfer.pull.ImageFormat;
import picocli.CommandLine.Command;

@Command(name = "pull-tar", description = "Download a tarball of a root over HTTP(S), verify it, and add it to the pool.",
    footer = {"", "Example:", "  jimg pull-tar https://example.org/images/debian.tar.xz debian"})
final class PullTarCommand extends PullCommand {
  @Override
  ImageFormat verbFormat() {
    return ImageFormat.TAR;
  }
}
