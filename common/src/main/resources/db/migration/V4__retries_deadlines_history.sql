-- Delayed retries live in the row, not in a worker's memory: a failed attempt sets status 'waiting' and a due time;
-- the retry scheduler re-publishes due jobs to Kafka. 'expired': the deadline passed before the job was sent.
alter table jobs drop constraint jobs_status_check;
alter table jobs add constraint jobs_status_check
    check (status in ('queued', 'running', 'waiting', 'succeeded', 'failed', 'cancelled', 'expired'));
alter table jobs add column failed_attempts integer not null default 0;
alter table jobs add column next_attempt_at timestamptz;
alter table jobs add column deadline timestamptz;
alter table jobs add column cache boolean not null default true;
-- one entry per failed attempt (and per replay): {"attempt", "at", "code", "message", "upstream_status"}
alter table jobs add column history jsonb not null default '[]';
create index jobs_waiting_due on jobs (next_attempt_at) where status = 'waiting';
