using System.Text.RegularExpressions;
using ClayBus.Testing;

namespace ClayBus.ServiceDefaults.Tests.Messaging;

/// <summary>
/// <c>deploy/rabbitmq/permissions</c> without a broker: the names each service's write pattern lets through (RabbitMQ
/// matches whole exchange and queue names with these PCRE patterns, which .NET reads the same), and the Kubernetes
/// manifests carrying the same patterns and Secrets. <see cref="ServicePermissionSpecs"/> proves them on the broker.
/// </summary>
public sealed class BrokerPermissionsFileSpecs
{
    [Theory]
    [InlineData("submitter", "ClayBus.Contracts.Delivery:DeliverBatch", true)]
    [InlineData("submitter", "deliver-batch-high", true)]
    [InlineData("submitter", "ClayBus.Contracts.Submission:JobSubmitted", true)]
    [InlineData("submitter", "ClayBus.Contracts.Credits:ChangeBudgetLimit", false)]
    [InlineData("submitter", "ClayBus.Contracts.Tracking:CancelJob", false)]
    [InlineData("submitter", "job-state", false)]
    [InlineData("submitter", "deliver-batch", false)]
    [InlineData("enricher", "deliver-batch", true)]
    [InlineData("enricher", "ClayBus.Contracts.Delivery:BatchDelivered", true)]
    [InlineData("enricher", "scheduler", true)]
    [InlineData("enricher", "ClayBus.Contracts.Delivery:DeliverBatch", false)]
    [InlineData("enricher", "ClayBus.Contracts.Submission:SubmitJob", false)]
    [InlineData("enricher", "submit-job", false)]
    [InlineData("enricher", "ClayBus.Contracts.Credits:ChangeBudgetLimit", false)]
    [InlineData("enricher", "ClayBus.Contracts.Credits:ReleaseTableHold", false)]
    [InlineData("enricher", "job-state", false)]
    [InlineData("monitor", "ClayBus.Contracts.Credits:ChangeBudgetLimit", true)]
    [InlineData("monitor", "ClayBus.Contracts.Credits:ReleaseTableHold", true)]
    [InlineData("monitor", "ClayBus.Contracts.Tracking:CancelJob", true)]
    [InlineData("monitor", "ClayBus.Contracts.Submission:SubmitJob", false)]
    [InlineData("monitor", "amq.default", true)] // the dead-letter requeue publishes to the queue by name
    [InlineData("enricher", "amq.default", false)]
    [InlineData("submitter", "amq.default", false)]
    // A message an endpoint cannot read is answered with a ReceiveFault: refused, the broker closes the channel.
    [InlineData("submitter", "MassTransit:ReceiveFault", true)]
    [InlineData("enricher", "MassTransit:ReceiveFault", true)]
    [InlineData("monitor", "MassTransit:ReceiveFault", true)]
    public async Task Should_let_each_service_write_only_what_it_publishes(string user, string name, bool permitted)
    {
        var permissions = (await BrokerUserPermissions.ReadAsync())[user];

        Assert.Equal(permitted, Regex.IsMatch(name, permissions.Write, RegexOptions.None, TimeSpan.FromSeconds(1)));
    }

    [Theory]
    [InlineData("submitter")]
    [InlineData("enricher")]
    [InlineData("monitor")]
    public async Task Should_let_each_service_bind_the_ReceiveFault_it_publishes_for_an_unreadable_message(string user)
    {
        // MassTransit binds MassTransit:ReceiveFault to MassTransit:Fault before the first publish: refused, the
        // broker closes the channel and the service's next publishes stall (a malformed SubmitJob did so).
        var permissions = (await BrokerUserPermissions.ReadAsync())[user];

        Assert.Matches(permissions.Configure, "MassTransit:ReceiveFault");
        Assert.Matches(permissions.Write, "MassTransit:ReceiveFault");
        Assert.Matches(permissions.Read, "MassTransit:ReceiveFault");
        Assert.Matches(permissions.Write, "MassTransit:Fault");
    }

    [Theory]
    [InlineData("submitter")]
    [InlineData("enricher")]
    [InlineData("monitor")]
    public async Task Should_read_no_queue_of_another_service_but_the_Monitor_dead_letters(string user)
    {
        var file = await BrokerUserPermissions.ReadAsync();
        string[] queues = ["submit-job", "deliver-batch", "deliver-batch-high", "deliver-batch_error", "change-budget-limit", "job-state", "scheduler", "monitor-budget"];
        var own = new Dictionary<string, string[]>
        {
            ["submitter"] = ["submit-job"],
            ["enricher"] = ["deliver-batch", "deliver-batch-high", "deliver-batch_error", "change-budget-limit"],
            // Every service's dead letters too: the status API peeks at them and the requeue moves them back.
            ["monitor"] = ["deliver-batch_error", "job-state", "scheduler", "monitor-budget"],
        }[user];

        var readable = queues.Where(queue => Regex.IsMatch(queue, file[user].Read, RegexOptions.None, TimeSpan.FromSeconds(1)));

        Assert.Equal(own, readable);
    }

    [Theory]
    [InlineData("submitter")]
    [InlineData("enricher")]
    [InlineData("monitor")]
    public async Task Should_give_Kubernetes_the_same_user_and_secret(string user)
    {
        var permissions = (await BrokerUserPermissions.ReadAsync())[user];
        var deploy = Path.Combine(ServiceProcess.RepositoryRoot, "deploy", "base");
        var broker = await File.ReadAllTextAsync(Path.Combine(deploy, "rabbitmq.yaml"));
        var deployment = await File.ReadAllTextAsync(Path.Combine(deploy, user + ".yaml"));

        Assert.Contains($"configure: '{permissions.Configure}'", broker, StringComparison.Ordinal);
        Assert.Contains($"write: '{permissions.Write}'", broker, StringComparison.Ordinal);
        Assert.Contains($"read: '{permissions.Read}'", broker, StringComparison.Ordinal);
        Assert.Contains($"importCredentialsSecret: {{ name: claybus-rabbitmq-{user} }}", broker, StringComparison.Ordinal);
        Assert.Equal(2, deployment.Split($"secretKeyRef: {{ name: claybus-rabbitmq-{user}, key:").Length - 1);
    }
}
