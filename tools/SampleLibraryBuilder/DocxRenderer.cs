using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace LearningNavigator.Tools.SampleLibraryBuilder;

/// <summary>
/// Writes a <see cref="SourceDocument"/> as a Word document with real Heading1..3 styles, numbered and
/// bulleted lists from a numbering part, and bordered tables, so extractors see the structure.
/// </summary>
internal static class DocxRenderer
{
    private const int BulletAbstractId = 1;
    private const int DecimalAbstractId = 2;
    private const int BulletNumId = 1;

    public static void Render(SourceDocument document, ManifestEntry entry, string path)
    {
        using (var package = WordprocessingDocument.Create(path, WordprocessingDocumentType.Document))
        {
            package.PackageProperties.Title = entry.Title;
            package.PackageProperties.Language = entry.Language == "es" ? "es-ES" : "en-US";
            package.PackageProperties.Creator = "LearningNavigator SampleLibraryBuilder";

            var main = package.AddMainDocumentPart();
            AddStyles(main, entry.Language == "es" ? "es-ES" : "en-US");
            var numbering = new Numbering(
                AbstractList(BulletAbstractId, NumberFormatValues.Bullet, "•"),
                AbstractList(DecimalAbstractId, NumberFormatValues.Decimal, "%1."),
                new NumberingInstance(new AbstractNumId { Val = BulletAbstractId }) { NumberID = BulletNumId });

            var body = new Body();
            var nextNumId = BulletNumId + 1;
            var currentOrderedNumId = 0;
            foreach (var block in document.Blocks)
            {
                switch (block)
                {
                    case SourceHeading heading:
                        body.Append(StyledParagraph($"Heading{Math.Min(heading.Level, 3)}", heading.Runs));
                        break;
                    case SourceParagraph paragraph:
                        body.Append(StyledParagraph(null, paragraph.Runs));
                        break;
                    case SourceListItem item:
                        int numId;
                        if (item.Number is null)
                        {
                            numId = BulletNumId;
                        }
                        else
                        {
                            // Each ordered list is its own numbering instance so it restarts at its first number.
                            if (item.StartsNewList)
                            {
                                currentOrderedNumId = nextNumId++;
                                numbering.Append(new NumberingInstance(
                                    new AbstractNumId { Val = DecimalAbstractId },
                                    new LevelOverride(new StartOverrideNumberingValue { Val = item.Number.Value }) { LevelIndex = 0 })
                                { NumberID = currentOrderedNumId });
                            }
                            numId = currentOrderedNumId;
                        }
                        var listParagraph = StyledParagraph("ListParagraph", item.Runs);
                        listParagraph.ParagraphProperties!.Append(new NumberingProperties(
                            new NumberingLevelReference { Val = 0 }, new NumberingId { Val = numId }));
                        body.Append(listParagraph);
                        break;
                    case SourceTable table:
                        body.Append(BuildTable(table));
                        body.Append(new Paragraph());
                        break;
                }
            }

            body.Append(new SectionProperties(
                new PageSize { Width = 12240U, Height = 15840U },
                new PageMargin { Top = 1440, Bottom = 1440, Left = 1440U, Right = 1440U, Header = 720U, Footer = 720U, Gutter = 0U }));

            main.Document = new Document(body);
            var numberingPart = main.AddNewPart<NumberingDefinitionsPart>();
            numberingPart.Numbering = numbering;
        }
    }

    private static Paragraph StyledParagraph(string? styleId, IReadOnlyList<TextRun> runs)
    {
        var properties = new ParagraphProperties();
        if (styleId is not null) properties.ParagraphStyleId = new ParagraphStyleId { Val = styleId };
        var paragraph = new Paragraph(properties);
        foreach (var run in runs)
        {
            var r = new Run();
            if (run.Bold) r.RunProperties = new RunProperties(new Bold());
            r.Append(new Text(run.Text) { Space = SpaceProcessingModeValues.Preserve });
            paragraph.Append(r);
        }
        return paragraph;
    }

    private static Table BuildTable(SourceTable source)
    {
        static BorderType Line<TBorder>() where TBorder : BorderType, new() =>
            new TBorder { Val = BorderValues.Single, Size = 4U, Space = 0U, Color = "808080" };

        var table = new Table(new TableProperties(
            new TableStyle { Val = "TableGrid" },
            new TableWidth { Type = TableWidthUnitValues.Pct, Width = "5000" },
            new TableBorders(
                Line<TopBorder>(), Line<LeftBorder>(), Line<BottomBorder>(), Line<RightBorder>(),
                Line<InsideHorizontalBorder>(), Line<InsideVerticalBorder>())));

        var columns = source.Rows.Max(row => row.Count);
        var grid = new TableGrid();
        for (var c = 0; c < columns; c++) grid.Append(new GridColumn { Width = (9360 / columns).ToString(System.Globalization.CultureInfo.InvariantCulture) });
        table.Append(grid);

        for (var r = 0; r < source.Rows.Count; r++)
        {
            var row = new TableRow();
            if (r == 0) row.Append(new TableRowProperties(new TableHeader()));
            foreach (var cellText in source.Rows[r])
            {
                var paragraph = StyledParagraph(null, [new TextRun(cellText, Bold: r == 0)]);
                row.Append(new TableCell(paragraph));
            }
            table.Append(row);
        }
        return table;
    }

    private static AbstractNum AbstractList(int id, NumberFormatValues format, string text) =>
        new(new Level(
            new StartNumberingValue { Val = 1 },
            new NumberingFormat { Val = format },
            new LevelText { Val = text },
            new LevelJustification { Val = LevelJustificationValues.Left },
            new PreviousParagraphProperties(new Indentation { Left = "720", Hanging = "360" }))
        { LevelIndex = 0 })
        { AbstractNumberId = id };

    private static void AddStyles(MainDocumentPart main, string language)
    {
        var stylesPart = main.AddNewPart<StyleDefinitionsPart>();
        var styles = new Styles(
            new DocDefaults(
                new RunPropertiesDefault(new RunPropertiesBaseStyle(
                    new RunFonts { Ascii = "Calibri", HighAnsi = "Calibri", ComplexScript = "Calibri" },
                    new FontSize { Val = "22" },
                    new Languages { Val = language })),
                new ParagraphPropertiesDefault(new ParagraphPropertiesBaseStyle(
                    new SpacingBetweenLines { After = "160", Line = "264", LineRule = LineSpacingRuleValues.Auto }))));

        styles.Append(new Style(new StyleName { Val = "Normal" }, new PrimaryStyle())
        { Type = StyleValues.Paragraph, StyleId = "Normal", Default = true });

        styles.Append(HeadingStyle(1, sizeHalfPoints: "36", color: "1F3864", spaceBefore: "360"));
        styles.Append(HeadingStyle(2, sizeHalfPoints: "28", color: "2F5496", spaceBefore: "280"));
        styles.Append(HeadingStyle(3, sizeHalfPoints: "24", color: "2F5496", spaceBefore: "200"));

        styles.Append(new Style(
            new StyleName { Val = "List Paragraph" },
            new BasedOn { Val = "Normal" },
            new PrimaryStyle(),
            new StyleParagraphProperties(
                new SpacingBetweenLines { After = "60" },
                new Indentation { Left = "720" }))
        { Type = StyleValues.Paragraph, StyleId = "ListParagraph" });

        styles.Append(new Style(
            new StyleName { Val = "Table Grid" },
            new BasedOn { Val = "TableNormal" },
            new StyleParagraphProperties(new SpacingBetweenLines { After = "0", Line = "240", LineRule = LineSpacingRuleValues.Auto }))
        { Type = StyleValues.Table, StyleId = "TableGrid" });

        styles.Append(new Style(new StyleName { Val = "Normal Table" }, new PrimaryStyle(),
            new StyleTableProperties(new TableCellMarginDefault(
                new TopMargin { Width = "0", Type = TableWidthUnitValues.Dxa },
                new TableCellLeftMargin { Width = 108, Type = TableWidthValues.Dxa },
                new BottomMargin { Width = "0", Type = TableWidthUnitValues.Dxa },
                new TableCellRightMargin { Width = 108, Type = TableWidthValues.Dxa })))
        { Type = StyleValues.Table, StyleId = "TableNormal", Default = true });

        stylesPart.Styles = styles;
    }

    private static Style HeadingStyle(int level, string sizeHalfPoints, string color, string spaceBefore) =>
        new(
            new StyleName { Val = $"heading {level}" },
            new BasedOn { Val = "Normal" },
            new NextParagraphStyle { Val = "Normal" },
            new PrimaryStyle(),
            new StyleParagraphProperties(
                new KeepNext(),
                new KeepLines(),
                new SpacingBetweenLines { Before = spaceBefore, After = "120" },
                new OutlineLevel { Val = level - 1 }),
            new StyleRunProperties(
                new Bold(),
                new Color { Val = color },
                new FontSize { Val = sizeHalfPoints }))
        { Type = StyleValues.Paragraph, StyleId = $"Heading{level}" };
}
