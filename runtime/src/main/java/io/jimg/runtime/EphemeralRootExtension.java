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
      throw new ParameterResolutionException("cannot make an ephemeral root of " + annotation.value() + ": "
          + e.getMessage(), e);
    }
  }

  private static Object provide(Class<?> type, EphemeralRoot annotation, ExtensionContext context, String what)
      throws IOException {
    if (type != Path.class && type != PreparedRoot.class) {
      throw new ExtensionConfigurationException("@EphemeralRoot " + what + " must be a Path or a PreparedRoot, not "
          + type.getName());
    }
    PreparedRoot root = roots(annotation, context).ephemeral(annotation.value());
    // JUnit closes the AutoCloseable values a method-level store holds once the test is over, whatever its
    // outcome; the root itself, not a CloseableResource, which JUnit 5.13 and later warn about on every test.
    context.getStore(NAMESPACE).put(new Object(), root);
    return type == Path.class ? root.path() : root;
  }

  private static PreparedRoots roots(EphemeralRoot annotation, ExtensionContext context) {
    Optional<Object> instance = context.getTestInstance();
    for (Class<?> type = context.getRequiredTestClass(); type != null && type != Object.class;
        type = type.getSuperclass()) {
      for (Field field : type.getDeclaredFields()) {
        if (field.getType() != PreparedRoots.class && field.getType() != ImageStore.class) {
          continue;
        }
        Object value = read(field, instance.orElse(null));
        if (value instanceof PreparedRoots roots) {
          return roots;
        }
        if (value instanceof ImageStore store) {
          return PreparedRoots.builder(store).build();
        }
      }
    }
    ImageStore.Builder store = ImageStore.builder();
    if (!annotation.imageRoot().isEmpty()) {
      store.imageRoot(Path.of(annotation.imageRoot()));
    }
    return PreparedRoots.builder(store.build()).build();
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
