# Stand-in for maven:3.9-eclipse-temurin-17: Debian's JDK 17 and Maven (README.md)
ARG BASE_IMAGE=localhost/debian:bookworm
FROM ${BASE_IMAGE}
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openjdk-17-jdk-headless maven \
    && rm -rf /var/lib/apt/lists/*
