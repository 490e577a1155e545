package dev.incidents.support.validation;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.ElementType.TYPE_USE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;

/**
 * A time a request may carry: from {@link #EARLIEST} to {@link #FUTURE_TOLERANCE} after now (the server's
 * clock); a date (due dates) from 1970-01-01 to 2199-12-31. Times outside it are refused at the edge, so
 * that nothing downstream (a CloudEvents {@code time} header, a PostgreSQL {@code timestamptz}, a report's
 * duration) ever meets year -999999999. {@code null} is valid: whether a time is required is another rule.
 */
@Documented
@Constraint(validatedBy = {SaneTime.TimeValidator.class, SaneTime.DateValidator.class})
@Target({FIELD, METHOD, PARAMETER, TYPE_USE})
@Retention(RUNTIME)
public @interface SaneTime {

    Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
    Duration FUTURE_TOLERANCE = Duration.ofHours(24);
    LocalDate EARLIEST_DATE = LocalDate.of(1970, 1, 1);
    LocalDate LATEST_DATE = LocalDate.of(2199, 12, 31);
    /** Go's zero time, which Alertmanager and Grafana send for "not set". */
    Instant GO_ZERO = Instant.parse("0001-01-01T00:00:00Z");

    String message() default "must be between 1970-01-01T00:00:00Z and 24 hours from now";

    /** Whether Go's zero time stands for "not set" here (Alertmanager's and Grafana's startsAt/endsAt). */
    boolean zeroMeansUnset() default false;

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    /** The window's check, for times parsed by hand. */
    final class Window {
        private Window() {}

        /** Why {@code time} is outside the window, or null when it is inside. */
        public static String problem(OffsetDateTime time) {
            if (time == null) {
                return null;
            }
            Instant t = time.toInstant();
            return t.isBefore(EARLIEST) || t.isAfter(Instant.now().plus(FUTURE_TOLERANCE))
                    ? "must be between 1970-01-01T00:00:00Z and 24 hours from now"
                    : null;
        }
    }

    class TimeValidator implements ConstraintValidator<SaneTime, OffsetDateTime> {
        private boolean zeroMeansUnset;

        @Override
        public void initialize(SaneTime annotation) {
            zeroMeansUnset = annotation.zeroMeansUnset();
        }

        @Override
        public boolean isValid(OffsetDateTime value, ConstraintValidatorContext context) {
            return value == null
                    || (zeroMeansUnset && value.toInstant().equals(GO_ZERO))
                    || Window.problem(value) == null;
        }
    }

    class DateValidator implements ConstraintValidator<SaneTime, LocalDate> {
        @Override
        public boolean isValid(LocalDate value, ConstraintValidatorContext context) {
            if (value == null || (!value.isBefore(EARLIEST_DATE) && !value.isAfter(LATEST_DATE))) {
                return true;
            }
            context.disableDefaultConstraintViolation();
            context.buildConstraintViolationWithTemplate("must be between 1970-01-01 and 2199-12-31")
                    .addConstraintViolation();
            return false;
        }
    }
}
