package io.jimg.transfer.compress;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.tukaani.xz.SeekableInputStream;

/**
 * A file read through an open channel by position, for the xz index and block readers. Positional reads leave
 * the channel's own position alone, so several of these can read one channel on several threads; closing one
 * leaves the channel open for its owner.
 */
final class ChannelSeekableInput extends SeekableInputStream {
  private final FileChannel channel;
  private long position;

  ChannelSeekableInput(FileChannel channel) {
    this.channel = channel;
  }

  @Override
  public int read() throws IOException {
    return SingleByte.read(this);
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    int n = channel.read(ByteBuffer.wrap(b, off, len), position);
    if (n > 0) {
      position += n;
    }
    return n;
  }

  @Override
  public long length() throws IOException {
    return channel.size();
  }

  @Override
  public long position() {
    return position;
  }

  @Override
  public void seek(long position) throws IOException {
    if (position < 0) {
      throw new IOException("negative seek position " + position);
    }
    this.position = position;
  }
}
