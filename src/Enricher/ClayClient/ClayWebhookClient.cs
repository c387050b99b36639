using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using ClayBus.Contracts.Submission;
using ClayBus.Enricher.Delivery;
using ClayBus.Enricher.Webhooks;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace ClayBus.Enricher.ClayClient;

/// <summary>
/// Posts arrays of records to a Clay table webhook through that webhook's resilience pipeline. Succeeds on 2xx;
/// throws <see cref="ClayRejectedException"/> (poison) or <see cref="ClayUnavailableException"/> (pause and retry later).
/// Neither the URL nor the token reaches a log line or an exception.
/// </summary>
public sealed class ClayWebhookClient(HttpClient http, ClayPipelines pipelines, DeliveryMetrics metrics)
{
    public const string TokenHeader = "x-clay-webhook-auth";

    private static readonly MediaTypeHeaderValue Json = new("application/json");

    /// <param name="renewal">Renews the rows' leases before each attempt (see <see cref="RowLeaseRenewal"/>).</param>
    /// <param name="priority">The batch's class in the shared limiter's order; null: reserve as High does.</param>
    public async Task SendAsync(WebhookTarget webhook, ReadOnlyMemory<byte> records, int recordCount, RowLeaseRenewal? renewal, CancellationToken cancellationToken, JobPriority? priority = null)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(ClayPipelines.Records, recordCount);
        context.Properties.Set(ClayPipelines.Priority, priority);
        context.Properties.Set(ClayPipelines.Webhook, webhook.Masked);
        if (renewal is not null)
        {
            context.Properties.Set(ClayPipelines.Renewal, renewal);
        }

        Outcome<HttpResponseMessage> outcome;
        var ambiguous = new StrongBox<bool>();
        try
        {
            outcome = await pipelines.For(webhook.Id).ExecuteOutcomeAsync(
                static async (ctx, state) =>
                {
                    try
                    {
                        using var request = new HttpRequestMessage(HttpMethod.Post, state.webhook.Url) { Content = new ReadOnlyMemoryContent(state.records) };
                        request.Content.Headers.ContentType = Json;
                        if (state.webhook.Token is { } token)
                        {
                            request.Headers.TryAddWithoutValidation(TokenHeader, token);
                        }

                        var response = await state.http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ctx.CancellationToken);
                        state.metrics.ClayResponded((int)response.StatusCode);
                        state.ambiguous.Value |= SendAttemptClassifier.Classify(response.StatusCode, null) == AttemptOutcome.Ambiguous;
                        return Outcome.FromResult(response);
                    }
                    catch (Exception exception)
                    {
                        state.ambiguous.Value |= SendAttemptClassifier.Classify(null, exception) == AttemptOutcome.Ambiguous;
                        return Outcome.FromException<HttpResponseMessage>(exception);
                    }
                },
                context,
                (http, webhook, records, metrics, ambiguous));
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (outcome.Exception is { } failure)
        {
            throw failure switch
            {
                BrokenCircuitException => new ClayUnavailableException($"Clay webhook {webhook.Masked}: circuit open after repeated failures")
                {
                    NothingSent = !ambiguous.Value,
                    Ambiguous = ambiguous.Value,
                },
                HttpRequestException or TimeoutRejectedException or OperationCanceledException =>
                    new ClayUnavailableException($"Clay webhook {webhook.Masked} unreachable: {failure.GetType().Name}")
                    {
                        NothingSent = !ambiguous.Value,
                        Ambiguous = ambiguous.Value,
                    },
                _ => failure,
            };
        }

        using var response = outcome.Result!;
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var status = (int)response.StatusCode;
        if (status >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            throw new ClayUnavailableException($"Clay webhook {webhook.Masked} answered {status}")
            {
                NothingSent = !ambiguous.Value,
                Ambiguous = ambiguous.Value,
            };
        }

        var reason = await ReasonAsync(response, webhook, cancellationToken);
        throw new ClayRejectedException(status, webhook.Masked, reason);
    }

    private static async Task<string> ReasonAsync(HttpResponseMessage response, WebhookTarget webhook, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        body = body.Length > 300 ? body[..300] + "…" : body;
        // Clay's error bodies should not echo secrets; make sure of it.
        body = body.Replace(webhook.Url.AbsoluteUri, webhook.Masked, StringComparison.Ordinal);
        if (webhook.Token is { Length: > 0 } token)
        {
            body = body.Replace(token, "…", StringComparison.Ordinal);
        }

        var hint = response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => "the webhook token is wrong or was rotated: update Tables:<table>:Webhooks:<n>:Token",
            HttpStatusCode.NotFound => "the webhook does not exist (deleted?): replace it in Tables:<table>:Webhooks",
            HttpStatusCode.RequestEntityTooLarge => "the request exceeded Clay's 100 KB limit: lower Delivery:MaxRequestBytes",
            _ => response.ReasonPhrase ?? "",
        };
        return string.IsNullOrWhiteSpace(body) ? hint : $"{hint} ({body.Trim()})";
    }
}
