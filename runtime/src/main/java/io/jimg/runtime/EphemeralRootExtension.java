package io.jimg.runtime;

import io.jimg.images.ImageStore;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/** Makes the roots {@link EphemeralRoot} asks for and has JUnit close them after each test. */
public final class EphemeralRootExtension implements BeforeEachCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(EphemeralRootExtension.class);

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    Object instance = context.getRequiredTestInstance();
    for (Class<?> type = instance.getClass(); type != Object.class; type = type.getSuperclass()) {
      for (Field field : type.getDeclaredFields()) {
        EphemeralRoot annotation = field.getAnnotation(EphemeralRoot.class);
        if (annotation == null) {
          continue;
        }
        if (Modifier.isStatic(field.getModifiers()) || Modifier.isFinal(field.getModifiers())) {
          throw new ExtensionConfigurationException("@EphemeralRoot field " + field.getName()
              + " must be neither static nor final: each test gets its own root");
        }
        field.setAccessible(true);
        field.set(instance, provide(field.getType(), annotation, context, field.getName()));
      }
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.isAnnotated(EphemeralRoot.class);
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    EphemeralRoot annotation = parameter.findAnnotation(EphemeralRoot.class).orElseThrow();
    try {
      return provide(parameter.getParameter().getType(), annotation, context, parameter.getParameter().getName());
    } catch (IOException e) {
      throw new ParameterResolutionException("cannot make an ephemeral root of "
          + (annotation.pull().isEmpty() ? annotation.value() : annotation.pull()) + ": "
          + e.getMessage(), e);
    }
  }

  private static Object provide(Class<?> type, EphemeralRoot annotation, ExtensionContext context, String what)
      throws IOException {
    if (type != Path.class && type != PreparedRoot.class) {
      throw new ExtensionConfigurationException("@EphemeralRoot " + what + " must be a Path or a PreparedRoot, not "
          + type.getName());
    }
    PreparedRoot root = ephemeral(annotation, context);
    // JUnit closes the AutoCloseable values a method-level store holds once the test is over, whatever its
    // outcome; the root itself, not a CloseableResource, which JUnit 5.13 and later warn about on every test.
    context.getStore(NAMESPACE).put(new Object(), root);
    return type == Path.class ? root.path() : root;
  }

  private static PreparedRoot ephemeral(EphemeralRoot annotation, ExtensionContext context) throws IOException {
    RootRequired.check();
    Object given = givenStoreOrRoots(context);
    if (given instanceof PreparedRoots roots) {
      if (!annotation.pull().isEmpty()) {
        throw new ExtensionConfigurationException("@EphemeralRoot(pull = …) pulls into the test class's ImageStore"
            + " field, or a store over imageRoot, not into a PreparedRoots field: give the class an ImageStore field");
      }
      return roots.ephemeral(named(annotation));
    }
    ImageStore store = given instanceof ImageStore fromField ? fromField : newStore(annotation);
    String image = annotation.pull().isEmpty() ? named(annotation) : PulledImages.fetch(store, annotation);
    return PreparedRoots.builder(store).build().ephemeral(image);
  }

  private static String named(EphemeralRoot annotation) {
    if (annotation.value().isEmpty()) {
      throw new ExtensionConfigurationException("@EphemeralRoot needs an image's name or pull = its URL");
    }
    return annotation.value();
  }

  /** The test class's PreparedRoots or ImageStore field's value, the first found from the class upwards; or null. */
  private static Object givenStoreOrRoots(ExtensionContext context) {
    Optional<Object> instance = context.getTestInstance();
    for (Class<?> type = context.getRequiredTestClass(); type != null && type != Object.class;
        type = type.getSuperclass()) {
      for (Field field : type.getDeclaredFields()) {
        if (field.getType() != PreparedRoots.class && field.getType() != ImageStore.class) {
          continue;
        }
        Object value = read(field, instance.orElse(null));
        if (value != null) {
          return value;
        }
      }
    }
    return null;
  }

  private static ImageStore newStore(EphemeralRoot annotation) {
    ImageStore.Builder store = ImageStore.builder();
    if (!annotation.imageRoot().isEmpty()) {
      store.imageRoot(Path.of(annotation.imageRoot()));
    }
    return store.build();
  }

  private static Object read(Field field, Object instance) {
    if (!Modifier.isStatic(field.getModifiers()) && instance == null) {
      return null;
    }
    try {
      field.setAccessible(true);
      return field.get(Modifier.isStatic(field.getModifiers()) ? null : instance);
    } catch (IllegalAccessException e) {
      throw new ExtensionConfigurationException("cannot read " + field, e);
    }
  }
}
