-- Job and batch events. Every change of a job's status, or a new attempt, writes a row here in the same transaction
-- as the change itself, whichever statement made it (the worker's grouped writes, the api's cancel, a replay, the
-- retry scheduler): an event is never lost, and never published for a change that rolled back. A relay (the
-- worker's JobEventRelay) publishes the rows to the sluice.job-events topic and deletes them. The id is the event id
-- readers dedupe by (evt_<hex> on the wire), the same on every publish of the row.
create table job_events (
    id             uuid primary key,
    kind           text not null check (kind in ('job', 'batch')),
    job_id         uuid,
    batch_id       uuid,
    tenant_id      uuid not null,
    status         text not null,
    attempt        integer not null default 0,
    occurred_at    timestamptz not null default clock_timestamp(),
    model          text,
    usage          jsonb,
    claimed_until  timestamptz not null default '-infinity'
);
create index job_events_claimable on job_events (claimed_until, occurred_at);

-- A batch ends when its last job ends: open_jobs counts its jobs not yet in a terminal state (null: all of job_count,
-- as when it was accepted); ended_at and outcome are set when it reaches 0, and cleared if a replay reopens it.
alter table batches add column open_jobs integer;
alter table batches add column ended_at timestamptz;
alter table batches add column outcome text check (outcome in ('completed', 'cancelled', 'expired'));
update batches b set open_jobs = (select count(*) from jobs j where j.batch_id = b.id
                                  and j.status in ('queued', 'running', 'waiting'));
update batches b set ended_at = now(), outcome = 'completed' where open_jobs = 0;

create function record_job_events() returns trigger language plpgsql as $$
begin
    insert into job_events (id, kind, job_id, batch_id, tenant_id, status, attempt, model, usage)
    select gen_random_uuid(), 'job', n.id, n.batch_id, n.tenant_id, n.status, n.attempts,
           case when n.status in ('succeeded', 'failed', 'cancelled', 'expired') then n.request ->> 'model' end,
           case when n.status = 'succeeded' then n.result -> 'usage' end
    from new_rows n join old_rows o on o.id = n.id
    where n.status <> o.status or n.attempts <> o.attempts
    order by n.id;

    -- the open-job count of each batch this statement moved; the row lock makes the writers of one batch take turns
    -- (an update that waited re-reads the count), so exactly one of them sees it reach 0
    with moved as (
        select n.batch_id,
               sum(case when n.status in ('succeeded', 'failed', 'cancelled', 'expired')
                             and o.status in ('queued', 'running', 'waiting') then 1
                        when o.status in ('succeeded', 'failed', 'cancelled', 'expired')
                             and n.status in ('queued', 'running', 'waiting') then -1
                        else 0 end) as ended
        from new_rows n join old_rows o on o.id = n.id
        where n.batch_id is not null and n.status <> o.status
        group by n.batch_id
    )
    update batches b
    set open_jobs = coalesce(b.open_jobs, b.job_count) - moved.ended,
        ended_at = case when coalesce(b.open_jobs, b.job_count) - moved.ended = 0 then clock_timestamp() end,
        outcome = null
    from moved
    where b.id = moved.batch_id and moved.ended <> 0;

    -- a batch whose last job just ended: its outcome, and its event
    with ended as (
        update batches b
        set outcome = (select case when count(*) filter (where j.status in ('succeeded', 'failed')) > 0 then 'completed'
                                   when count(*) filter (where j.status = 'cancelled') > 0 then 'cancelled'
                                   else 'expired' end
                       from jobs j where j.batch_id = b.id)
        where b.id in (select distinct n.batch_id from new_rows n where n.batch_id is not null)
          and b.open_jobs = 0 and b.outcome is null
        returning b.id, b.tenant_id, b.outcome
    )
    insert into job_events (id, kind, batch_id, tenant_id, status)
    select gen_random_uuid(), 'batch', ended.id, ended.tenant_id, ended.outcome from ended;
    return null;
end $$;

create trigger jobs_record_events after update on jobs
    referencing old table as old_rows new table as new_rows
    for each statement execute function record_job_events();
