-- when the batch's last job ended, and how the batch ended (completed, cancelled, expired); nothing while it runs
select ended_at, outcome
from batches
where id = :id and ended_at is not null
