-- A worker extends the leases of the jobs it runs, in one statement; only its own running jobs are touched.
update jobs
set lease_until = now() + (:leaseMillis * interval '1 millisecond')
where id = any(:ids) and status = 'running' and lease_owner = cast(:leaseOwner as uuid)
