package org.carbonledger.testsupport;

import org.carbonledger.registry.LedgerRejection;
import org.carbonledger.registry.RejectionCode;
import org.hamcrest.Description;
import org.hamcrest.Matcher;
import org.hamcrest.TypeSafeMatcher;

/** Hamcrest matchers for {@link LedgerRejection}, for use with Axon's test fixtures. */
public final class Rejections {

  private Rejections() {}

  /** Matches a rejection with the given code. */
  public static Matcher<LedgerRejection> rejectedWith(RejectionCode code) {
    return new TypeSafeMatcher<>() {
      @Override
      protected boolean matchesSafely(LedgerRejection rejection) {
        return rejection.code() == code;
      }

      @Override
      public void describeTo(Description description) {
        description.appendText("a LedgerRejection with code ").appendValue(code);
      }

      @Override
      protected void describeMismatchSafely(LedgerRejection item, Description mismatch) {
        mismatch.appendText("was ").appendValue(item.code()).appendText(": " + item.getMessage());
      }
    };
  }
}
