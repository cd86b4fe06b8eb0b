# Multi-stage build: compile and package the jar with Maven (conf/ is packaged into it as its default
# configuration), run it on a JRE as a non-root user. Docker is not available where this was written:
# the image's command line and probes are tested in the JVM (io.shcr.ops.ContainerCommandLineTest).
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /build
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src ./src
COPY conf ./conf
RUN mvn -B -q package -DskipTests

FROM eclipse-temurin:17-jre
RUN groupadd --system shcr && useradd --system --gid shcr --home-dir /app shcr
WORKDIR /app
COPY --from=build /build/target/shcr.jar /app/shcr.jar
# The embedded audit trail lives under SHCR_DATA; mount a volume so the trail survives the container.
RUN mkdir -p /app/data && chown -R shcr:shcr /app/data
VOLUME /app/data
USER shcr
# 8080 the API; 9464 /metrics; 5701 Hazelcast (clustered serve); 8090 the demo's simulated network.
EXPOSE 8080 9464 5701 8090
# Settings follow one rule (docs/operations.md): SHCR_<FILE>__<KEY>__<KEY>. Inside a container every
# listener binds 0.0.0.0; the demo's simulator runs in the same process, so the shipped sources.yaml
# (127.0.0.1:8090) reaches it. Your own configuration: mount it and set SHCR_CONFIG=/app/conf.
ENV JAVA_OPTS="-XX:MaxRAMPercentage=75" \
    SHCR_DATA=/app/data \
    SHCR_LOG_FORMAT=json \
    SHCR_SERVICE__HTTP__HOST=0.0.0.0 \
    SHCR_SIMULATOR__HTTP__HOST=0.0.0.0 \
    SHCR_OPERATIONS__METRICS__HOST=0.0.0.0
# Ready means: audit store writable, signing keys current, Spine answering (and not draining).
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["java", "-XX:TieredStopAtLevel=1", "-Xmx32m", "-jar", "/app/shcr.jar", "probe", "ready"]
# Give the JVM SIGTERM directly (exec), so the drain runs: `docker stop -t 40` for a 20 s drain limit.
STOPSIGNAL SIGTERM
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /app/shcr.jar \"$@\"", "--"]
# `serve` needs real keys and secrets (it refuses the demo ones); `docker run -p 8080:8080 IMAGE demo`
# runs the service with the simulated network in one container.
CMD ["serve"]
