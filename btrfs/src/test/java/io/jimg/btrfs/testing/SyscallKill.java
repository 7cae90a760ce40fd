package io.jimg.btrfs.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs a command under strace, which SIGKILLs it on entry to the {@code n}-th call of one system call (per thread;
 * strace's {@code inject=SYSCALL:signal=KILL:when=N}): a crash at an exact step, the same on every run, where a
 * kill timed from outside would miss a step that takes microseconds (a btrfs snapshot, a rename).
 */
public final class SyscallKill {
  /** The exit status strace passes on for a tracee that died of SIGKILL. */
  private static final int KILLED = 128 + 9;

  private SyscallKill() {}

  /** How a run ended: killed at the call, or finished first (the call came fewer than n times), with its output. */
  public record Outcome(boolean killed, int exitCode, String output) {}

  /** Runs {@code command} with {@code environment} added, killed at the {@code n}-th {@code syscall}. */
  public static Outcome run(String syscall, int n, Map<String, String> environment, List<String> command) {
    Requirements.requireTool("strace");
    List<String> traced = new ArrayList<>(List.of("env"));
    environment.forEach((name, value) -> traced.add(name + "=" + value));
    traced.addAll(List.of("strace", "-f", "-qq", "-o", "/dev/null", "-e", "trace=" + syscall,
        "-e", "inject=" + syscall + ":signal=KILL:when=" + n));
    traced.addAll(command);
    Commands.Result result = Commands.exec(traced);
    return new Outcome(result.exitCode() == KILLED, result.exitCode(), result.output());
  }
}
