package io.jimg.images;

import io.jimg.btrfs.Fd;
import io.jimg.images.spi.Descriptors;

/** The store's {@link Descriptors.Access}: the descriptors its final handle classes keep package-private. */
final class HandleDescriptors implements Descriptors.Access {
  @Override
  public Fd pool(Batch batch) {
    return batch.pool();
  }

  @Override
  public Fd of(NewImage image) {
    return image.descriptor();
  }
}
