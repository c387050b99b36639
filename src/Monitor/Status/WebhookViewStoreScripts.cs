using ClayBus.ServiceDefaults.Redis;

namespace ClayBus.Monitor.Status;

/// <summary><see cref="WebhookViewStore"/>'s atomic steps, with named keys and arguments.</summary>
public static class WebhookViewStoreScripts
{
    // BatchDelivered arrives out of order across Enricher instances: the count of the same webhook only grows, and
    // an older delivery through an earlier webhook must not undo a rotation.
    public static readonly RedisScript Usage = new(
        "record a webhook's usage",
        ["tables_key", "key"],
        ["table_name", "given_webhook", "given_used", "cap", "given_at"],
        """
        redis.call('SADD', tables_key, table_name)
        local webhook = redis.call('HGET', key, 'webhook')
        local at = tonumber(redis.call('HGET', key, 'at') or '0')
        if webhook == given_webhook then
          local used = tonumber(redis.call('HGET', key, 'used') or '0')
          if tonumber(given_used) > used then redis.call('HSET', key, 'used', given_used) end
          if tonumber(given_at) > at then redis.call('HSET', key, 'at', given_at) end
          redis.call('HSET', key, 'cap', cap)
          return 1
        end
        if webhook and tonumber(given_at) < at then return 0 end
        redis.call('HSET', key, 'webhook', given_webhook, 'used', given_used, 'cap', cap, 'at', given_at, 'low', '0', 'exhausted', '0')
        return 1
        """);
}
