package io.jimg.runtime;

import io.jimg.images.ImageStore;
import io.jimg.runtime.spi.ImageFetcher;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * The images {@code @EphemeralRoot(pull = …)} names, pulled once per JVM: every test of a run asks for the same
 * image, and a pull per test would cost a conditional request and a replacement each. A failed pull is kept too,
 * so that the tests after it fail at once with its message instead of repeating its retries.
 */
final class PulledImages {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_.-]*)}");
  private static final Map<List<String>, CompletableFuture<String>> PULLED = new ConcurrentHashMap<>();

  private PulledImages() {}

  /** The name of the image {@code annotation} pulls into {@code store}, pulling it on the first call. */
  static String fetch(ImageStore store, EphemeralRoot annotation) throws IOException {
    String source = expand(annotation.pull(), name -> {
      String value = System.getProperty(name);
      return value != null ? value : System.getenv(name);
    });
    String name = annotation.value().isEmpty() ? null : annotation.value();
    List<String> key = List.of(String.valueOf(store.writablePool()), source, String.valueOf(name), annotation.verify());
    CompletableFuture<String> mine = new CompletableFuture<>();
    CompletableFuture<String> first = PULLED.putIfAbsent(key, mine);
    if (first == null) {
      try {
        mine.complete(fetcher().fetch(store, source, name, annotation.verify()));
      } catch (IOException | RuntimeException e) {
        mine.completeExceptionally(e);
      }
      first = mine;
    }
    try {
      return first.join();
    } catch (CompletionException e) {
      // only IOExceptions and RuntimeExceptions are stored above
      if (e.getCause() instanceof IOException cause) {
        throw cause;
      }
      throw (RuntimeException) e.getCause();
    }
  }

  /** {@code text} with each {@code ${NAME}} replaced by {@code values}' answer; an unknown NAME is an error. */
  static String expand(String text, UnaryOperator<String> values) {
    Matcher placeholder = PLACEHOLDER.matcher(text);
    StringBuilder expanded = new StringBuilder();
    while (placeholder.find()) {
      String value = values.apply(placeholder.group(1));
      if (value == null) {
        throw new ExtensionConfigurationException("@EphemeralRoot(pull = \"" + text + "\") names ${"
            + placeholder.group(1) + "}, which is neither a system property nor an environment variable");
      }
      placeholder.appendReplacement(expanded, Matcher.quoteReplacement(value));
    }
    return placeholder.appendTail(expanded).toString();
  }

  private static ImageFetcher fetcher() {
    return ServiceLoader.load(ImageFetcher.class).findFirst().orElseThrow(() -> new ExtensionConfigurationException(
        "@EphemeralRoot(pull = …) needs io.jimg:jimg-library on the test class path: it is the part of jimg that"
            + " pulls"));
  }
}
