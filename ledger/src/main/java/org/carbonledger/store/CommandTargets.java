package org.carbonledger.store;

import java.lang.annotation.Annotation;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.common.ReflectionUtils;
import org.axonframework.common.annotation.AnnotationUtils;
import org.axonframework.modelling.command.AnnotationCommandTargetResolver;
import org.axonframework.modelling.command.CommandTargetResolver;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.axonframework.modelling.command.TargetAggregateVersion;
import org.axonframework.modelling.command.VersionedAggregateIdentifier;

/**
 * Finds the aggregate a command is for, as Axon's {@link AnnotationCommandTargetResolver} does, but
 * looks for a command class's annotated members once instead of on every command.
 *
 * <p>Why: Axon's resolver lists every method of the command's class and its interfaces, and reads
 * their annotations, twice per command (the identifier and the version). In the HTTP benchmark that
 * was the largest single allocation of the service, about 16 of the 127 kB a transfer allocated
 * (docs/performance.md). The member found is the one Axon would find: its methods first, in {@link
 * ReflectionUtils#methodsOf} order, then its fields, with meta-annotations; its value is read per
 * command, and a missing or null identifier fails as Axon's does.
 */
public final class CommandTargets implements CommandTargetResolver {

  private static final ClassValue<Members> MEMBERS =
      new ClassValue<>() {
        @Override
        protected Members computeValue(Class<?> type) {
          return new Members(
              Member.of(type, TargetAggregateIdentifier.class),
              Member.of(type, TargetAggregateVersion.class));
        }
      };

  @Override
  public VersionedAggregateIdentifier resolveTarget(CommandMessage<?> command) {
    Members members = MEMBERS.get(command.getPayloadType());
    Object payload = command.getPayload();
    Object identifier;
    Object version;
    try {
      identifier = members.identifier().read(payload);
      version = members.version().read(payload);
    } catch (InvocationTargetException e) {
      throw new IllegalArgumentException(
          "An exception occurred while extracting aggregate information form a command", e);
    } catch (IllegalAccessException e) {
      throw new IllegalArgumentException(
          "The current security context does not allow extraction of aggregate information from"
              + " the given command.",
          e);
    }
    if (identifier == null) {
      throw new IllegalArgumentException(
          String.format(
              "Invalid command. It does not identify the target aggregate. Make sure at least one of"
                  + " the fields or methods in the [%s] class contains the"
                  + " @TargetAggregateIdentifier annotation and that it returns a non-null value.",
              command.getPayloadType().getSimpleName()));
    }
    // The value itself, as Axon 4.13 passes it: getIdentifier() is its text, getIdentifierValue()
    // the value.
    return new VersionedAggregateIdentifier(identifier, asLong(version));
  }

  private static Long asLong(Object version) {
    if (version == null) {
      return null;
    }
    if (version instanceof Number number) {
      return number.longValue();
    }
    try {
      return Long.parseLong(version.toString());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("The value provided for the version is not a number.", e);
    }
  }

  private record Members(Member identifier, Member version) {}

  /** The method or field of a class that carries an annotation, or neither. */
  private record Member(Method method, Field field) {

    private static final Member NONE = new Member(null, null);

    static Member of(Class<?> type, Class<? extends Annotation> annotation) {
      for (Method method : ReflectionUtils.methodsOf(type)) {
        if (AnnotationUtils.isAnnotationPresent(method, annotation)) {
          return new Member(ReflectionUtils.ensureAccessible(method), null);
        }
      }
      for (Field field : ReflectionUtils.fieldsOf(type)) {
        if (AnnotationUtils.isAnnotationPresent(field, annotation)) {
          return new Member(null, ReflectionUtils.ensureAccessible(field));
        }
      }
      return NONE;
    }

    Object read(Object payload) throws InvocationTargetException, IllegalAccessException {
      if (method != null) {
        return method.invoke(payload);
      }
      return field == null ? null : field.get(payload);
    }
  }
}
