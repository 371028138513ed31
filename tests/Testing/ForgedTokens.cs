using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;

namespace Scop.Aspire.Testing;

/// <summary>
/// What an attacker does with a real access token: the same payload under another header. Without a signature
/// (<c>alg: none</c>); with HS256 keyed by the identity service's public key (which anyone can fetch from the JWKS),
/// in each form that key is found in; or re-signed with the service's own private key (read from a development data
/// root) under another algorithm or another <c>typ</c>. The last proves the validators refuse for the header alone:
/// the same payload re-signed as <c>RS256</c> + <c>at+jwt</c> is accepted.
/// </summary>
public static class ForgedTokens
{
    public static JsonObject Header(string token) =>
        JsonNode.Parse(Base64UrlEncoder.Decode(token.Split('.')[0]))!.AsObject();

    public static string Payload(string token) => token.Split('.')[1];

    /// <summary>The same claims, <c>alg: none</c>, no signature.</summary>
    public static string Unsigned(string token, string algorithm = "none")
    {
        var header = Header(token);
        header["alg"] = algorithm;
        return $"{Encode(header)}.{Payload(token)}.";
    }

    /// <summary>The same claims, HS256 with <paramref name="secret"/> as the HMAC key.</summary>
    public static string Hs256(string token, byte[] secret)
    {
        var header = Header(token);
        header["alg"] = "HS256";
        var signed = $"{Encode(header)}.{Payload(token)}";
        return $"{signed}.{Base64UrlEncoder.Encode(HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(signed)))}";
    }

    /// <summary>The public key as an attacker would use it for an HMAC key: PEM text, DER, JWK JSON, the bare modulus.</summary>
    public static IEnumerable<(string Form, byte[] Bytes)> PublicKeyForms(JsonElement jwk)
    {
        using var rsa = RSA.Create(new RSAParameters
        {
            Modulus = Base64UrlEncoder.DecodeBytes(jwk.GetProperty("n").GetString()!),
            Exponent = Base64UrlEncoder.DecodeBytes(jwk.GetProperty("e").GetString()!),
        });
        yield return ("PEM", Encoding.ASCII.GetBytes(rsa.ExportSubjectPublicKeyInfoPem()));
        yield return ("PEM + newline", Encoding.ASCII.GetBytes(rsa.ExportSubjectPublicKeyInfoPem() + "\n"));
        yield return ("DER", rsa.ExportSubjectPublicKeyInfo());
        yield return ("PKCS#1 DER", rsa.ExportRSAPublicKey());
        yield return ("JWK JSON", Encoding.UTF8.GetBytes(jwk.GetRawText()));
        yield return ("modulus", Base64UrlEncoder.DecodeBytes(jwk.GetProperty("n").GetString()!));
    }

    /// <summary>
    /// The same claims signed with <paramref name="key"/> under <paramref name="algorithm"/> (RS256, RS512, PS256)
    /// and with <paramref name="type"/> as <c>typ</c> (<c>at+jwt</c>, <c>JWT</c>, or none when null).
    /// </summary>
    public static string Resigned(string token, RSA key, string algorithm, string? type)
    {
        var header = Header(token);
        header["alg"] = algorithm;
        if (type is null)
        {
            header.Remove("typ");
        }
        else
        {
            header["typ"] = type;
        }

        var signed = $"{Encode(header)}.{Payload(token)}";
        var (hash, padding) = algorithm switch
        {
            "RS256" => (HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            "RS384" => (HashAlgorithmName.SHA384, RSASignaturePadding.Pkcs1),
            "RS512" => (HashAlgorithmName.SHA512, RSASignaturePadding.Pkcs1),
            "PS256" => (HashAlgorithmName.SHA256, RSASignaturePadding.Pss),
            _ => throw new ArgumentException($"Not an RSA algorithm: {algorithm}", nameof(algorithm)),
        };
        return $"{signed}.{Base64UrlEncoder.Encode(key.SignData(Encoding.ASCII.GetBytes(signed), hash, padding))}";
    }

    /// <summary>The identity service's development signing key, from the data root it was started with.</summary>
    public static RSA DevelopmentSigningKey(string dataRoot)
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(File.ReadAllText(Path.Combine(dataRoot, "identity", "keys", "signing-key.pem")));
        return rsa;
    }

    private static string Encode(JsonObject header) => Base64UrlEncoder.Encode(header.ToJsonString());
}
