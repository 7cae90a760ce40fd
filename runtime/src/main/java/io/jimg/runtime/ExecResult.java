package io.jimg.runtime;

/**
 * What a command run by {@link PreparedRoot#exec} did: its exit status (128 + N where it died of signal N, as a
 * shell reports it, under the chroot engine), its standard output and error as UTF-8 text (the first
 * {@value CapturedRun#OUTPUT_LIMIT} bytes of each), and whether it was killed for running past its timeout.
 */
public record ExecResult(int exitStatus, String stdout, String stderr, boolean timedOut) {
  /** Whether the command ended by itself with status 0. */
  public boolean succeeded() {
    return exitStatus == 0 && !timedOut;
  }
}
