# syntax=docker/dockerfile:1
# Multi-stage: the SDK image builds and tests nothing at run time; the final image has only the runtime.
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
# Data (SQLite files, the local index) lives on a volume owned by the unprivileged user.
RUN mkdir -p /app/App_Data && chown -R app:app /app/App_Data
USER app
ENV ASPNETCORE_URLS=http://+:8080 \
    ASPNETCORE_ENVIRONMENT=Production \
    DOTNET_RUNNING_IN_CONTAINER=true
VOLUME ["/app/App_Data"]
EXPOSE 8080
ENTRYPOINT ["dotnet", "LearningNavigator.Web.dll"]
