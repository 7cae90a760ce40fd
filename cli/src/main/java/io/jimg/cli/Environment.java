package io.jimg.cli;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the CLI takes from the process it runs in, so that tests can run it in-process with their own, and the
 * service can run a client's command line with the client's: environment variables, the time zone for human output
 * (asked for only when needed), whether stderr is a terminal (progress bars), the directory relative paths start
 * from, and standard input and output for {@code -}.
 */
record Environment(Map<String, String> variables, Supplier<ZoneId> zone, boolean terminal, Path directory,
    Streams streams) {
  /** Standard input and output, opened only when a verb reads or writes {@code -}. */
  interface Streams {
    InputStream input();

    OutputStream output();
  }

  /** The process's own standard streams. */
  static final Streams PROCESS_STREAMS = new Streams() {
    @Override
    public InputStream input() {
      return new FileInputStream(FileDescriptor.in);
    }

    @Override
    public OutputStream output() {
      return new FileOutputStream(FileDescriptor.out);
    }
  };

  /** The process's working directory and standard streams. */
  Environment(Map<String, String> variables, Supplier<ZoneId> zone, boolean terminal) {
    this(variables, zone, terminal, Path.of("").toAbsolutePath(), PROCESS_STREAMS);
  }

  static Environment ofProcess() {
    // The zone is looked up only by a verb that prints times: reading the time zone database costs start-up time.
    return new Environment(System.getenv(), ZoneId::systemDefault, System.console() != null);
  }

  /** {@code file} from the directory relative paths start from. */
  Path path(String file) {
    return directory.resolve(file);
  }
}
