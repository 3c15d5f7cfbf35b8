package org.carbonledger.audit.replay;

/**
 * A contiguous range of serial numbers of one batch, both ends included, as the events write it:
 * {@code {"first":21,"last":46}}.
 */
record SerialRange(long first, long last) {

  long count() {
    return last - first + 1;
  }

  @Override
  public String toString() {
    return first + "-" + last;
  }
}
