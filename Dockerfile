# syntax=docker/dockerfile:1
# Multi-stage: the SDK image builds; the final image has only the ASP.NET runtime and the published app.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props LearningNavigator.sln ./
COPY LearningNavigator.Domain/LearningNavigator.Domain.csproj LearningNavigator.Domain/
COPY LearningNavigator.Web/LearningNavigator.Web.csproj LearningNavigator.Web/
RUN dotnet restore LearningNavigator.Web/LearningNavigator.Web.csproj
COPY LearningNavigator.Domain/ LearningNavigator.Domain/
COPY LearningNavigator.Web/ LearningNavigator.Web/
RUN dotnet publish LearningNavigator.Web/LearningNavigator.Web.csproj -c Release -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# The only writable place the app needs: SQLite files, the local index and the data-protection keys.
# Run with --read-only --tmpfs /tmp and a volume here (docs/deploy.md).
RUN mkdir -p /app/App_Data/keys && chown -R app:app /app/App_Data
ENV ASPNETCORE_URLS=http://+:8080 \
    ASPNETCORE_ENVIRONMENT=Production \
    DOTNET_RUNNING_IN_CONTAINER=true \
    DataProtection__KeysPath=/app/App_Data/keys \
    Logging__Console__FormatterName=json \
    Logging__Console__FormatterOptions__IncludeScopes=true
VOLUME ["/app/App_Data"]
EXPOSE 8080
# The runtime image has no curl or wget: the app probes itself (exit 0 when /health/live answers 2xx).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["dotnet", "LearningNavigator.Web.dll", "--healthcheck", "http://127.0.0.1:8080/health/live"]
USER app
ENTRYPOINT ["dotnet", "LearningNavigator.Web.dll"]
