package dev.incidents.notifier;

import dev.incidents.testsupport.KafkaAndPostgresResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The notifier's tests: real Kafka and PostgreSQL (database incident_notifier) a real webhook receiver and SMTP server. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@WithTestResource(
        value = KafkaAndPostgresResource.class,
        initArgs = @ResourceArg(name = "database", value = "incident_notifier"),
        scope = TestResourceScope.MATCHING_RESOURCES)
@WithTestResource(value = TestEndpoints.class, scope = TestResourceScope.MATCHING_RESOURCES)
public @interface NotifierServiceTest {}
