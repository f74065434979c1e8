-- Webhook deliveries: one row per event that has somewhere to go (a terminal job with a webhook_url, an ended batch
-- with one). The worker's WebhookEventIntake writes them from the sluice.job-events topic (the event id is the key,
-- so a record read twice makes one row); its WebhookDispatcher claims the due ones and sends them. body is the
-- envelope exactly as it is signed and sent, the same on every attempt. retry_since starts the give-up clock (a
-- redelivery restarts it). A claim runs out after a while, so a dispatcher that died mid-send leaves its rows to the
-- others.
create table webhook_deliveries (
    event_id         text primary key,
    tenant_id        uuid not null,
    job_id           uuid,
    batch_id         uuid,
    event_type       text not null,
    url              text not null,
    body             text not null,
    occurred_at      timestamptz not null,
    status           text not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
    attempts         integer not null default 0,
    last_status      integer,
    last_error       text,
    delivered_at     timestamptz,
    next_attempt_at  timestamptz default clock_timestamp(),
    retry_since      timestamptz not null default clock_timestamp(),
    claimed_until    timestamptz not null default '-infinity',
    created_at       timestamptz not null default clock_timestamp(),
    check (status <> 'pending' or next_attempt_at is not null)
);
create index webhook_deliveries_due on webhook_deliveries (next_attempt_at) where status = 'pending';
create index webhook_deliveries_of_job on webhook_deliveries (job_id, created_at) where job_id is not null;
