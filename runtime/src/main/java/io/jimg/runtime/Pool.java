package io.jimg.runtime;

import io.jimg.images.Access;
import io.jimg.images.Batch;
import io.jimg.images.Image;
import io.jimg.images.ImageLease;
import io.jimg.images.ImageStore;
import io.jimg.images.Scratch;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The part of the image store the runtime uses; tests put a directory-backed double in its place. */
interface Pool {
  ImageLease lease(String name, Access access) throws IOException;

  Scratch scratch() throws IOException;

  Batch batch() throws IOException;

  Image show(String name) throws IOException;

  Image clone(String source, String target, boolean readOnly) throws IOException;

  void remove(List<String> names) throws IOException;

  Path writablePool();

  static Pool of(ImageStore store) {
    return new Pool() {
      @Override
      public ImageLease lease(String name, Access access) throws IOException {
        return store.lease(name, access);
      }

      @Override
      public Scratch scratch() throws IOException {
        return store.scratch();
      }

      @Override
      public Batch batch() throws IOException {
        return store.batch();
      }

      @Override
      public Image show(String name) throws IOException {
        return store.show(name);
      }

      @Override
      public Image clone(String source, String target, boolean readOnly) throws IOException {
        return store.clone(source, target, readOnly);
      }

      @Override
      public void remove(List<String> names) throws IOException {
        store.remove(names);
      }

      @Override
      public Path writablePool() {
        return store.writablePool();
      }
    };
  }
}
