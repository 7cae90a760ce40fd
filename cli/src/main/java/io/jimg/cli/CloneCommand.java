package io.jimg.cli;

import io.jimg.btrfs.ReadOnly;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "clone",
    description = "Clone an image under a new name: a snapshot on btrfs, else a reflink or a faithful copy.",
    footer = {"", "Example:", "  jimg clone debian debian-test --read-only"})
final class CloneCommand extends Verb {
  @Parameters(index = "0", paramLabel = "SRC", completionCandidates = ImageNames.class, description = "The image to clone.")
  String source;

  @Parameters(index = "1", paramLabel = "DST", description = "The new image's name.")
  String target;

  @Option(names = "--read-only", description = "Make the clone read-only.")
  boolean readOnly;

  @Override
  void run() throws Exception {
    jimg.store().clone(source, target, ReadOnly.of(readOnly));
  }
}
