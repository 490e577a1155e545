package dev.incidents.command;

import dev.incidents.testsupport.KafkaAndPostgresResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The command service's tests run against the real Kafka and PostgreSQL, in the database incident_command. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@WithTestResource(
        value = KafkaAndPostgresResource.class,
        initArgs = @ResourceArg(name = "database", value = "incident_command"),
        scope = TestResourceScope.MATCHING_RESOURCES)
public @interface CommandServiceTest {}
