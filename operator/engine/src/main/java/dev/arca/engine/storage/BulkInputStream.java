package dev.arca.engine.storage;

import java.io.IOException;
import java.io.InputStream;

/**
 * A stream that reads in bulk: a subclass implements {@link #read(byte[], int, int)}, and the
 * one-byte {@link #read()} goes through it with a one-byte array, so the two never disagree.
 */
public abstract class BulkInputStream extends InputStream {

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public abstract int read(byte[] b, int off, int len) throws IOException;
}
