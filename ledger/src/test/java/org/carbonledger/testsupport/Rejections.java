package org.carbonledger.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
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

  /** Matches a rejection with the given code that names the given field of the command. */
  public static Matcher<LedgerRejection> rejectedNaming(RejectionCode code, String field) {
    return new TypeSafeMatcher<>() {
      @Override
      protected boolean matchesSafely(LedgerRejection rejection) {
        return rejection.code() == code && rejection.field().filter(field::equals).isPresent();
      }

      @Override
      public void describeTo(Description description) {
        description
            .appendText("a LedgerRejection with code ")
            .appendValue(code)
            .appendText(" naming field ")
            .appendValue(field);
      }

      @Override
      protected void describeMismatchSafely(LedgerRejection item, Description mismatch) {
        mismatch
            .appendText("was ")
            .appendValue(item.code())
            .appendText(" naming ")
            .appendValue(item.field().orElse(null))
            .appendText(": " + item.getMessage());
      }
    };
  }

  /** Asserts that building a command is refused as INVALID_ARGUMENT naming {@code field}. */
  public static void assertInvalid(ThrowingCallable command, String field) {
    assertThatThrownBy(command)
        .isInstanceOfSatisfying(
            LedgerRejection.class,
            rejection -> {
              assertThat(rejection.code()).isEqualTo(RejectionCode.INVALID_ARGUMENT);
              assertThat(rejection.field()).hasValue(field);
            });
  }
}
