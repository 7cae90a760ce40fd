package io.jimg.runtime;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a JUnit 5 test a fresh ephemeral root of a store image, removed after the test, to test code against
 * a real distribution:
 *
 * <pre>{@code
 * @Test
 * void installs(@EphemeralRoot("debian") Path root) { ... }
 *
 * @EphemeralRoot("debian") PreparedRoot root;   // a field, set before each test
 * }</pre>
 *
 * The annotated field or parameter is a {@link java.nio.file.Path} or a {@link PreparedRoot}. The image comes
 * from a {@link PreparedRoots} or {@link io.jimg.images.ImageStore} field of the test class where it has one,
 * else from a store over {@link #imageRoot()}, else from systemd's machine directories.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.PARAMETER})
@ExtendWith(EphemeralRootExtension.class)
public @interface EphemeralRoot {
  /** The image's name. */
  String value();

  /** A directory that replaces systemd's search path; empty for the search path. */
  String imageRoot() default "";
}
