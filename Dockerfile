# Multi-stage build: compile and package the jar with Maven, run it on a JRE as a non-root user.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /build
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src ./src
RUN mvn -B -q package -DskipTests

FROM eclipse-temurin:17-jre
RUN groupadd --system shcr && useradd --system --gid shcr --home-dir /app shcr
WORKDIR /app
COPY --from=build /build/target/shcr.jar /app/shcr.jar
COPY conf /app/conf
# The embedded audit log lives here; mount a volume so the trail survives the container.
RUN mkdir -p /app/data && chown -R shcr:shcr /app/data
USER shcr
EXPOSE 8080
ENV JAVA_OPTS="-XX:MaxRAMPercentage=75" \
    SHCR_HTTP_HOST=0.0.0.0
# Configuration comes from /app/conf (mount your own: real signing keys or JWKS URL) and the environment:
# SHCR_ACCESS_HASH_SECRET, SHCR_AUDIT_KEY, SHCR_AUDIT_DB_USER/PASSWORD, and SHCR_CLUSTER_SECRET for a
# clustered node (see docs/operations.md).
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /app/shcr.jar \"$@\"", "--"]
CMD ["serve", "--config", "/app/conf"]
