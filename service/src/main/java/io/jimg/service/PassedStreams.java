package io.jimg.service;

import io.jimg.btrfs.DescriptorInputStream;
import io.jimg.btrfs.DescriptorOutputStream;
import io.jimg.btrfs.Fd;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * The descriptors a client passed beside a call, as the streams a handler reads and writes (a client's standard
 * input and output): taken from the call, so that they live until the handler is done with them, and closed by
 * {@link #close()} where the handler did not hand them on.
 */
public final class PassedStreams implements AutoCloseable {
  private final List<Fd> descriptors;
  private DescriptorInputStream input;

  private PassedStreams(List<Fd> descriptors) {
    this.descriptors = descriptors;
  }

  /** The descriptors passed beside {@code call}, now these streams'. */
  public static PassedStreams take(Call call) {
    return new PassedStreams(call.takeDescriptors());
  }

  /** InvalidParameter naming {@code parameter} where no descriptor at {@code index} is left to take. */
  public synchronized void require(long index, String parameter) throws VarlinkError {
    if (index < 0 || index >= descriptors.size() || descriptors.get((int) index) == null) {
      throw VarlinkError.invalidParameter(parameter);
    }
  }

  /** The descriptor at {@code index} to read; InvalidParameter naming {@code parameter} where there is none. */
  public synchronized InputStream input(long index, String parameter) throws VarlinkError {
    input = new DescriptorInputStream(descriptor(index, parameter));
    return input;
  }

  /** The descriptor at {@code index} to write, which closing the stream closes. */
  public synchronized OutputStream output(long index, String parameter) throws VarlinkError {
    return new DescriptorOutputStream(descriptor(index, parameter));
  }

  /** Unblocks a read of the input that waits on a writer who sends nothing more: for a cancel. */
  public synchronized void stop() {
    if (input != null) {
      input.stop();
    }
  }

  private Fd descriptor(long index, String parameter) throws VarlinkError {
    require(index, parameter);
    Fd taken = descriptors.get((int) index);
    descriptors.set((int) index, null);
    return taken;
  }

  /** Closes the descriptors no stream was made of. */
  @Override
  public synchronized void close() {
    for (Fd each : descriptors) {
      if (each != null) {
        each.close();
      }
    }
  }
}
