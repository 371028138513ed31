using System.IO.Compression;
using System.Text;

namespace Scop.Aspire.Portal.Features.Spaces;

/// <summary>
/// What a document is, read from its bytes: a PDF, a PNG, a JPEG, an OpenDocument text or spreadsheet, a Word or Excel
/// file (Office Open XML), or plain UTF-8 text. A name or a declared type proves nothing: an executable called
/// <c>rapport.pdf</c> or sent as <c>application/pdf</c> is refused, as is anything of another type.
/// </summary>
public static class DocumentTypes
{
    public const string Pdf = "application/pdf";
    public const string Png = "image/png";
    public const string Jpeg = "image/jpeg";
    public const string Text = "text/plain";
    public const string OdfText = "application/vnd.oasis.opendocument.text";
    public const string OdfSpreadsheet = "application/vnd.oasis.opendocument.spreadsheet";
    public const string Docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    public const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static readonly IReadOnlyList<string> Allowed = [Pdf, Png, Jpeg, Text, OdfText, OdfSpreadsheet, Docx, Xlsx];

    /// <summary>The type the content shows, or null when it is none of the allowed ones.</summary>
    public static string? Detect(ReadOnlySpan<byte> content)
    {
        if (content.StartsWith("%PDF-"u8))
        {
            return Pdf;
        }

        if (content.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return Png;
        }

        if (content.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return Jpeg;
        }

        if (content.StartsWith("PK\u0003\u0004"u8))
        {
            return Zipped(content.ToArray());
        }

        return IsPlainText(content) ? Text : null;
    }

    private static string? Zipped(byte[] content)
    {
        try
        {
            using var zip = new ZipArchive(new MemoryStream(content), ZipArchiveMode.Read);
            if (zip.GetEntry("mimetype") is { } mimetype)
            {
                using var reader = new StreamReader(mimetype.Open(), Encoding.ASCII);
                var declared = reader.ReadToEnd().Trim();
                return declared is OdfText or OdfSpreadsheet ? declared : null;
            }

            if (zip.GetEntry("[Content_Types].xml") is not null)
            {
                return zip.GetEntry("word/document.xml") is not null ? Docx
                    : zip.GetEntry("xl/workbook.xml") is not null ? Xlsx
                    : null;
            }

            return null;
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>UTF-8 that decodes, with no control character but tab, line feed and carriage return.</summary>
    private static bool IsPlainText(ReadOnlySpan<byte> content)
    {
        if (content.Length == 0)
        {
            return false;
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(content);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }

        return !text.Any(c => char.IsControl(c) && c is not ('\t' or '\n' or '\r'));
    }
}
