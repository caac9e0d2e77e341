package org.leancx.common;

/** A job's result that describes itself in one line for the console and the run's log line. */
public interface Summarised {
  /** The main counts in one readable line, with thousands separators and no nested dumps. */
  String summary();
}
