namespace Scop.Aspire.Testing;

/// <summary>
/// The platform's servers and the mail server, for the tests of services that send e-mail: a <see cref="ServiceApp{T}"/>
/// on these servers gets the mail server as its connection string <c>mail</c>, as the AppHost gives it.
/// </summary>
public class PlatformServersWithMail : PlatformServers
{
    public MailFixture Mail { get; } = new();

    public override async Task InitializeAsync()
    {
        try
        {
            await Task.WhenAll(base.InitializeAsync(), Mail.InitializeAsync());
        }
        catch
        {
            await Mail.DisposeAsync();
            throw;
        }
    }

    public override async Task DisposeAsync() => await Task.WhenAll(base.DisposeAsync(), Mail.DisposeAsync());
}
