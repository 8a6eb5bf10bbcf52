namespace LearningNavigator.Infrastructure.Tests;

/// <summary>Every test class in the collection reads the same synthesised template: one synth per run.</summary>
[CollectionDefinition(Name)]
public sealed class StackCollection : ICollectionFixture<SynthesizedStack>
{
    public const string Name = "synthesized stack";
}
