package io.jimg.service;

/**
 * What one service holds at most, so that no client, nor many, can exhaust it. The defaults fit a heap of
 * 256 MiB: a message may be 16 MiB, as in systemd, but all connections together may buffer at most
 * {@code bufferBudget} bytes (a message being handled counts four times its size, for what it decodes into).
 */
public record Limits(int maxConnections, int maxConnectionsPerUser, int maxMessage, long bufferBudget,
    int maxDescriptorsPerMessage) {

  public static final int MAX_MESSAGE = 16 << 20;

  public static final Limits DEFAULT = new Limits(4096, 128, MAX_MESSAGE, 96L << 20, 16);

  public Limits {
    if (maxMessage > MAX_MESSAGE || maxMessage < 1024) {
      throw new IllegalArgumentException("a message limit between 1 KiB and 16 MiB: " + maxMessage);
    }
  }
}
