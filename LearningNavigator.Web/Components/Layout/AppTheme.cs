using MudBlazor;

namespace LearningNavigator.Web.Components.Layout;

public static class AppTheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#1f6f5f",
            Secondary = "#5b4b8a",
            AppbarBackground = "#1f6f5f",
            Background = "#f6f8f7",
        },
    };
}
