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
 *
 * <p>A root may be named by where its image is published instead:
 *
 * <pre>{@code
 * @EphemeralRoot(pull = "https://mirror.example.org/debian-12.tar.xz", verify = "checksum") Path root;
 * }</pre>
 *
 * The image is pulled into the store once per test JVM (from the pull cache where the server says it is
 * unchanged, so across runs too), with {@code io.jimg:jimg-library} on the test class path to do it; test JVMs
 * pulling the same URL at once wait for one another. {@code ${NAME}} in {@link #pull()} is replaced by the system
 * property NAME, else the environment variable NAME, so that a build can point its tests at its own mirror.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.PARAMETER})
@ExtendWith(EphemeralRootExtension.class)
public @interface EphemeralRoot {
  /** The image's name; with {@link #pull()}, the name to pull it as (empty: the name the URL implies). */
  String value() default "";

  /** Where the image is published: an HTTP(S) URL of a tar or raw image, as {@code jimg pull} takes it. */
  String pull() default "";

  /** How a pulled image is verified: {@code signature} (the default), {@code checksum}, {@code no}, or a SHA-256. */
  String verify() default "signature";

  /** A directory that replaces systemd's search path; empty for the search path. */
  String imageRoot() default "";
}
