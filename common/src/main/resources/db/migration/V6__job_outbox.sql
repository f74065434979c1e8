-- The outbox: a submit is accepted when its job rows and their outbox row commit together, in one PostgreSQL
-- transaction; only then are the records put on Kafka, by the api that took the submit (at once) or, when that fails
-- or that api dies, by any api's relay. The row goes once its records are acknowledged. A single job has a row of its
-- own (id = the job id); a batch has one (id = the batch id) and next_index, the first batch_index not yet on Kafka,
-- so a relay resumes a large batch where it stopped. claimed_until keeps two publishers off one row.
create table job_outbox (
    id             uuid primary key,
    is_batch       boolean not null,
    next_index     integer not null default 0,
    claimed_until  timestamptz not null,
    created_at     timestamptz not null default now()
);
create index job_outbox_claimable on job_outbox (claimed_until);

-- A batch's metadata and webhook_url live on the batch row only; a job of a batch keeps its own, if it has any.
