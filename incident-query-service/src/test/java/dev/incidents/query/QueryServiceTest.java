package dev.incidents.query;

import dev.incidents.testsupport.KafkaAndPostgresResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The query service's tests run against the real Kafka and PostgreSQL, in the database incident_query. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@WithTestResource(
        value = KafkaAndPostgresResource.class,
        initArgs = @ResourceArg(name = "database", value = "incident_query"),
        scope = TestResourceScope.MATCHING_RESOURCES)
public @interface QueryServiceTest {}
