package io.jimg.cli;

import io.jimg.transfer.pull.ImageFormat;

final class PullTarCommand extends PullCommand {
  PullTarCommand() {
    super("pull-tar", "Download a tarball of a root over HTTP(S), verify it, and add it to the pool.", ImageFormat.TAR,
        "jimg pull-tar https://example.org/images/debian.tar.xz debian");
  }
}
