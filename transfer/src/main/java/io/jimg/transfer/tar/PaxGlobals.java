package io.jimg.transfer.tar;

import io.jimg.transfer.tar.PaxRecords.Record;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The records of PAX global headers, which apply to every later entry. They are bounded (few and small), or each
 * entry would pay for them all.
 */
final class PaxGlobals {
  static final int MAX_RECORDS = 64;
  static final int MAX_BYTES = 64 << 10;

  private final Map<String, byte[]> records = new LinkedHashMap<>();
  private int bytes;

  /**
   * A global record replaces the one of its keyword; an empty value removes it. {@code at} and {@code after} place
   * the header for messages.
   */
  void set(Record record, long at, Supplier<String> after) throws TarException {
    byte[] old = record.value().length > 0 ? records.put(record.key(), record.value()) : records.remove(record.key());
    if (old != null) {
      bytes -= record.key().length() + old.length;
    }
    if (record.value().length > 0) {
      bytes += record.key().length() + record.value().length;
    }
    if (records.size() > MAX_RECORDS || bytes > MAX_BYTES) {
      throw new TarException("the PAX global header at byte " + at + " after " + after.get() + " sets more than "
          + MAX_RECORDS + " keywords or " + (MAX_BYTES >> 10) + " KiB, more than jimg keeps");
    }
  }

  /** The records that apply to an entry: these globals, then its own extended header's, which win. */
  List<Record> before(List<Record> own) {
    List<Record> all = new ArrayList<>(records.size() + own.size());
    records.forEach((key, value) -> all.add(new Record(key, value)));
    all.addAll(own);
    return all;
  }
}
