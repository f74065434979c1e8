-- A stopping worker gives up the leases of the jobs it could not finish, so the next owner need not wait them out.
update jobs
set lease_until = now()
where id = any(:ids) and status = 'running' and lease_owner = cast(:leaseOwner as uuid)
