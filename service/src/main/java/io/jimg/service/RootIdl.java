package io.jimg.service;

/** io.jimg.Root: jimg's own interface for throwaway roots that live as long as a client's call. */
final class RootIdl {
  private RootIdl() {}

  static final String NAME = "io.jimg.Root";

  static final String IDL = """
      # Throwaway roots of the pool's images for test harnesses in any language: nothing to clean up.
      interface io.jimg.Root

      # Makes a writable ephemeral copy of the image (any image of the pool serves as a template), answers once
      # with its path and name, and keeps it for as long as the call is open: when the client closes the
      # connection or dies, the root is removed at once. Must be called with more; no final reply follows.
      method AcquireEphemeral(image: string) -> (
      \t# The root's directory (or raw file), hidden in the pool
      \tpath: string,
      \t# The root's name in the pool, a hidden .#jimg-… entry the next jimg command sweeps if the service dies
      \tname: string
      )

      # No image of that name is in the pool
      error NoSuchImage()
      """;
}
