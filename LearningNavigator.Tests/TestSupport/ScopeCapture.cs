using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace LearningNavigator.Tests.TestSupport;

/// <summary>One log call: the state and each scope around it as key/value pairs.</summary>
public sealed record LogEntry(string Level, string Category, string Message, string? Exception, Dictionary<string, string?> State, List<Dictionary<string, string?>> Scopes)
{
    /// <summary>Everything the line would put on the wire, for the leak check.</summary>
    public string Text => string.Join(" | ", [Level, Category, Message, .. State.Select(p => $"{p.Key}={p.Value}"),
        .. Scopes.SelectMany(s => s.Select(p => $"{p.Key}={p.Value}")), Exception ?? string.Empty]);
}

/// <summary>Every log call with its state and the scopes around it.</summary>
public sealed class ScopeCapture : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<LogEntry> entries = new();
    private IExternalScopeProvider scopes = new LoggerExternalScopeProvider();

    public IReadOnlyCollection<LogEntry> Entries => entries;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    // The factory hands over its own scope provider: that is where activity tracking adds TraceId and SpanId.
    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(ScopeCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner.scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var found = new List<Dictionary<string, string?>>();
            owner.scopes.ForEachScope((scope, list) => list.Add(Pairs(scope)), found);
            owner.entries.Enqueue(new LogEntry(logLevel.ToString(), category, formatter(state, exception), exception?.ToString(), Pairs(state), found));
        }

        /// <summary>
        /// A scope or state as pairs of text, written out now: a redacted value is a pooled object that is only valid
        /// during the call. A scope that is not a list of pairs is kept whole under "Scope".
        /// </summary>
        private static Dictionary<string, string?> Pairs(object? value) =>
            value is IEnumerable<KeyValuePair<string, object?>> pairs
                ? pairs.GroupBy(p => p.Key).ToDictionary(g => g.Key, g => Convert.ToString(g.First().Value, CultureInfo.InvariantCulture))
                : new Dictionary<string, string?> { ["Scope"] = Convert.ToString(value, CultureInfo.InvariantCulture) };
    }
}
