package org.leancx.ingest;

/** A source that cannot be ingested as it is: the message names the file or source and the fix. */
public final class IngestException extends RuntimeException {
  public IngestException(String message) {
    super(message);
  }
}
