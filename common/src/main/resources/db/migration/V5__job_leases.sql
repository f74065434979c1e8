-- A running job's lease: which worker process runs it (a random id per process) and until when. The worker renews
-- the leases of the jobs it has in flight; markRunning takes a running job over only once its lease has expired, so
-- a rebalance never hands a live worker's call to another one. Terminal, retry and requeue writes clear the lease.
alter table jobs add column lease_owner uuid;
alter table jobs add column lease_until timestamptz;
